import { CASSANDRA_CLIENT, CassandraBacklogStore } from '@smartgrid/cassandra';
import { CheckedApi, waitFor } from '@smartgrid/testing';
import { Client } from 'cassandra-driver';
import request from 'supertest';
import { Harness, json, startHarness } from './support/harness';
import { meterMessage, sensorMessage } from './support/malformed-corpus';

/**
 * The published OpenAPI document is what a client generator gets: every body a named
 * component schema (errors included), every parameter typed; and every route's real answers
 * — success and error — match the schema published for their status.
 */
describe('data-processing OpenAPI contract (real app, real answers)', () => {
  let h: Harness;
  let api: CheckedApi;
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const base = hour - 3 * 3_600_000;
  const range = { from: new Date(base - 3_600_000).toISOString(), to: new Date(hour).toISOString() };

  /** One request whose answer is checked against the document (and counted for coverage). */
  const call = (...args: Parameters<CheckedApi['call']>): ReturnType<CheckedApi['call']> => api.call(...args);

  beforeAll(async () => {
    h = await startHarness();
    api = await CheckedApi.of(() => request(h.baseUrl));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('names every request and response body as a component schema and types every parameter', () => {
    expect(api.contract.namingProblems()).toEqual([]);
    expect(Object.keys(api.contract.doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['ErrorResponse', 'FieldError', 'SensorReadingsResponse', 'MeterReadingsResponse', 'StorageStatusResponse', 'HealthReady']),
    );
  });

  it('health, readiness and metrics answer as documented', async () => {
    expect((await call('get', '/health/live')).status).toBe(200);
    expect((await call('get', '/health/ready')).status).toBe(200);
    expect((await call('get', '/metrics')).status).toBe(200);
  });

  it('readings, aggregates and consumption with data answer as documented', async () => {
    await h.produce(
      'sensor-data',
      Array.from({ length: 12 }, (_, i) => ({ key: 'S-OA-1', value: json(sensorMessage('S-OA-1', new Date(base + i * 300_000).toISOString(), 230 + i)) })),
    );
    await h.produce(
      'meter-readings',
      Array.from({ length: 8 }, (_, i) => ({ key: 'M-OA-1', value: json(meterMessage('M-OA-1', 'C-OA-1', new Date(base + i * 900_000).toISOString(), 100 + i)) })),
    );
    const viewer = h.tokens.viewer;
    const count = async (url: string): Promise<number> =>
      (await request(h.baseUrl).get(url).query({ ...range, source: 'cassandra' }).set('Authorization', `Bearer ${viewer}`)).body.count;
    await waitFor(async () => (await count('/api/sensors/S-OA-1/readings')) === 12, 60_000, 250, 'sensor readings stored');
    await waitFor(async () => (await count('/api/meters/M-OA-1/readings')) === 8, 60_000, 250, 'meter readings stored');
    const sensor = await call('get', '/api/sensors/S-OA-1/readings', { token: viewer, query: range });
    expect(sensor.body.readings).toHaveLength(12);
    expect(sensor.body.readings[0]).toMatchObject({ sensorType: 'voltage', unit: 'V' });
    const meter = await call('get', '/api/meters/M-OA-1/readings', { token: viewer, query: { ...range, source: 'cassandra' } });
    expect(meter.body.readings).toHaveLength(8);
    expect(meter.body.readings[0]).toMatchObject({ customerId: 'C-OA-1', source: 'cassandra' });
    const aggregates = await call('get', '/api/sensors/S-OA-1/aggregates', { token: viewer, query: { ...range, interval: 'hour' } });
    expect(aggregates.status).toBe(200);
    expect(aggregates.body.buckets.length).toBeGreaterThan(0);
    const consumption = await call('get', '/api/customers/C-OA-1/consumption', { token: viewer, query: range });
    expect(consumption.status).toBe(200);
    expect(consumption.body.periods.length).toBeGreaterThan(0);
  });

  it('storage status, replay and a reconcile that finds a difference answer as documented', async () => {
    // One reading only PostgreSQL has: reconcile lists its series and day.
    await h.app.get<Client>(CASSANDRA_CLIENT).execute(
      'DELETE FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? AND ts = ?',
      ['S-OA-1', new Date(base).toISOString().slice(0, 10), new Date(base)],
      { prepare: true },
    );
    expect((await call('get', '/api/storage/status', { token: h.tokens.viewer })).status).toBe(200);
    expect((await call('post', '/api/storage/replay', { token: h.tokens.operator })).status).toBe(200);
    const rec = await call('get', '/api/storage/reconcile', { token: h.tokens.operator, query: range });
    expect(rec.status).toBe(200);
    expect(rec.body.outOfSync).toEqual([expect.objectContaining({ kind: 'sensor', id: 'S-OA-1', inSync: false })]);
  });

  it('quarantine: list, inspect, retry and discard an entry a store refused, with their errors', async () => {
    // A row PostgreSQL refuses (a NUL byte validation would never let in), put in the backlog
    // held for it: the replay sets it aside.
    await h.app.get(CassandraBacklogStore).append([
      {
        kind: 'meter',
        target: 'postgres',
        reason: 'test',
        rows: [{ meterId: 'QA-1', customerId: 'C-\u0000', timestamp: new Date(base), energyKwh: 5, writtenAtUs: Date.now() * 1000 }],
      },
    ]);
    // An explicit replay that joins a timer pass already running skips backlogs believed
    // empty (this entry went in behind BacklogService's back): ask again until it is set aside.
    await waitFor(
      async () => {
        expect((await call('post', '/api/storage/replay', { token: h.tokens.operator })).status).toBe(200);
        const items = (await request(h.baseUrl).get('/api/storage/quarantine').set('Authorization', `Bearer ${h.tokens.viewer}`)).body.items;
        return items.length === 1;
      },
      30_000,
      250,
      'entry quarantined',
    );
    const page = await call('get', '/api/storage/quarantine', { token: h.tokens.viewer });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    const id = page.body.items[0].id as string;
    const url = `/api/storage/quarantine/${id}`;
    const entry = await call('get', url, { token: h.tokens.viewer });
    expect(entry.status).toBe(200);
    expect(entry.body.rows).toEqual([expect.objectContaining({ meterId: 'QA-1' })]);
    const retried = await call('post', `${url}/retry`, { token: h.tokens.admin });
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('refused');
    expect((await call('post', `${url}/retry`, { token: h.tokens.operator })).status).toBe(403);
    expect((await call('post', `${url}/discard`, { token: h.tokens.viewer })).status).toBe(403);
    expect((await call('post', `${url}/discard`, { token: h.tokens.admin })).status).toBe(200);
    expect((await call('get', url, { token: h.tokens.viewer })).status).toBe(404);
    expect((await call('post', `${url}/retry`, { token: h.tokens.admin })).status).toBe(404);
    expect((await call('post', `${url}/discard`, { token: h.tokens.admin })).status).toBe(404);
    expect((await call('get', '/api/storage/quarantine/nonsense', { token: h.tokens.viewer })).status).toBe(400);
    expect((await call('get', '/api/storage/quarantine', { token: h.tokens.viewer, query: { limit: '0' } })).status).toBe(400);
  });

  it('deletion by range: admin deletes, others are refused, a bad range names its field', async () => {
    const admin = h.tokens.admin;
    const sensor = await call('delete', '/api/sensors/S-OA-1/readings', { token: admin, query: { from: range.from, to: new Date(base + 600_000).toISOString() } });
    expect(sensor.status).toBe(200);
    expect(sensor.body).toMatchObject({ kind: 'sensor', id: 'S-OA-1', appliedIn: ['postgres', 'cassandra'], pending: [] });
    const meter = await call('delete', '/api/meters/M-OA-1/readings', { token: admin, query: { from: range.from, to: new Date(base + 600_000).toISOString() } });
    expect(meter.status).toBe(200);
    expect((await call('delete', '/api/sensors/S-OA-1/readings', { token: h.tokens.operator, query: range })).status).toBe(403);
    expect((await call('delete', '/api/meters/M-OA-1/readings', { token: admin, query: { from: range.from } })).status).toBe(400);
    expect((await call('delete', '/api/sensors/S-OA-1/readings', { token: admin, query: { from: range.to, to: range.from } })).status).toBe(400);
    expect((await call('delete', '/api/meters/M-OA-1/readings')).status).toBe(401);
  });

  it('errors answer with the shared error schema', async () => {
    for (const [method, url] of [
      ['get', '/api/sensors/S-OA-1/readings'],
      ['get', '/api/sensors/S-OA-1/aggregates'],
      ['get', '/api/meters/M-OA-1/readings'],
      ['get', '/api/customers/C-OA-1/consumption'],
      ['get', '/api/storage/status'],
      ['post', '/api/storage/replay'],
      ['get', '/api/storage/reconcile'],
      ['get', '/api/storage/quarantine'],
    ] as const) {
      expect((await call(method, url)).status).toBe(401);
    }
    expect((await call('post', '/api/storage/replay', { token: h.tokens.viewer })).status).toBe(403);
    expect((await call('get', '/api/storage/reconcile', { token: h.tokens.viewer })).status).toBe(403);
    const viewer = h.tokens.viewer;
    const bad = [
      await call('get', '/api/sensors/S-OA-1/readings', { token: viewer, query: { limit: '0' } }),
      await call('get', '/api/sensors/S-OA-1/aggregates', { token: viewer, query: { interval: 'week' } }),
      await call('get', '/api/meters/M-OA-1/readings', { token: viewer, query: { source: 'mongodb' } }),
      await call('get', '/api/customers/C-OA-1/consumption', { token: viewer, query: { from: 'yesterday' } }),
      await call('get', '/api/storage/reconcile', { token: h.tokens.operator, query: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } }),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(bad.every((r) => r.body.fields.length > 0)).toBe(true);
  });

  it('registry: customers, meters (assignments, metadata) and sensors (latest, metadata, GeoJSON) answer as documented', async () => {
    const { viewer, operator } = h.tokens;
    const expectStatus = async (status: number, ...args: Parameters<typeof call>) => expect((await call(...args)).status).toBe(status);
    await expectStatus(201, 'post', '/api/customers', { token: operator, body: { id: 'C-OA-2', name: 'OpenAPI', contact: { email: 'oa@example.com' } } });
    await expectStatus(400, 'post', '/api/customers', { token: operator, body: { id: 'C-OA-3', contact: { email: 'nope' } } });
    await expectStatus(200, 'get', '/api/customers', { token: viewer, query: { q: 'OA' } });
    await expectStatus(400, 'get', '/api/customers', { token: viewer, query: { sort: 'nope' } });
    await expectStatus(200, 'get', '/api/customers/C-OA-2', { token: viewer });
    await expectStatus(404, 'get', '/api/customers/C-OA-NONE', { token: viewer });
    await expectStatus(200, 'patch', '/api/customers/C-OA-2', { token: operator, body: { address: 'Rruga 1' } });
    await expectStatus(403, 'patch', '/api/customers/C-OA-2', { token: viewer, body: { address: 'x' } });

    await expectStatus(201, 'post', '/api/meters', { token: operator, body: { id: 'M-OA-2', customerId: 'C-OA-2', location: { lat: 0, lon: 0 } } });
    await expectStatus(409, 'post', '/api/meters', { token: operator, body: { id: 'M-OA-2' } });
    await expectStatus(200, 'get', '/api/meters', { token: viewer, query: { near: '0,0', radius_m: '10' } });
    await expectStatus(200, 'get', '/api/meters', { token: viewer, query: { bbox: '-1,-1,1,1', format: 'geojson' } });
    await expectStatus(400, 'get', '/api/meters', { token: viewer, query: { near: '0,0' } });
    await expectStatus(200, 'get', '/api/meters/M-OA-1', { token: viewer });
    await expectStatus(404, 'get', '/api/meters/M-OA-NONE', { token: viewer });
    await expectStatus(200, 'patch', '/api/meters/M-OA-2', { token: operator, body: { serial: 'SN-1' } });
    await expectStatus(400, 'patch', '/api/meters/M-OA-2', { token: operator, body: { decommissionedAt: '2026-01-01T00:00:00Z' } });
    await expectStatus(201, 'post', '/api/meters/M-OA-2/assignments', { token: operator, body: { customerId: 'C-OA-1', from: '2026-01-01' } });
    await expectStatus(400, 'post', '/api/meters/M-OA-2/assignments', { token: operator, body: { customerId: 'C-OA-NONE', from: null } });

    await expectStatus(201, 'post', '/api/sensors', { token: operator, body: { id: 'S-OA-2', sensorType: 'voltage', location: { lat: 0, lon: 0.001 } } });
    await expectStatus(400, 'post', '/api/sensors', { token: operator, body: { id: 'S-OA-3' } });
    await expectStatus(200, 'get', '/api/sensors', { token: viewer, query: { near: '0,0', radius_m: '500' } });
    await expectStatus(200, 'get', '/api/sensors', { token: viewer, query: { silent_for: 'PT15M', 'meta.firmware': '2.1' } });
    await expectStatus(200, 'get', '/api/sensors', { token: viewer, query: { q: 'S-OA', format: 'geojson' } });
    await expectStatus(400, 'get', '/api/sensors', { token: viewer, query: { silent_for: 'soon' } });
    await expectStatus(200, 'get', '/api/sensors/S-OA-1', { token: viewer });
    await expectStatus(404, 'get', '/api/sensors/S-OA-NONE', { token: viewer });
    await expectStatus(200, 'get', '/api/sensors/S-OA-1/latest', { token: viewer });
    await expectStatus(404, 'get', '/api/sensors/S-OA-NONE/latest', { token: viewer });
    await expectStatus(200, 'patch', '/api/sensors/S-OA-2', { token: operator, body: { name: 'OpenAPI sensor' } });
    await expectStatus(404, 'patch', '/api/sensors/S-OA-NONE', { token: operator, body: { name: 'x' } });

    for (const device of ['/api/sensors/S-OA-2', '/api/meters/M-OA-2']) {
      await expectStatus(200, 'put', `${device}/metadata`, { token: operator, body: { firmware: '2.1', tags: ['a'] } });
      await expectStatus(400, 'put', `${device}/metadata`, { token: operator, body: { 'a.b': 1 } });
      await expectStatus(200, 'patch', `${device}/metadata`, { token: operator, body: { tags: null } });
      await expectStatus(403, 'patch', `${device}/metadata`, { token: viewer, body: { tags: null } });
      await expectStatus(200, 'get', `${device}/metadata`, { token: viewer });
      await expectStatus(401, 'get', `${device}/metadata`);
    }

    await expectStatus(409, 'delete', '/api/sensors/S-OA-1', { token: operator });
    await expectStatus(200, 'delete', '/api/sensors/S-OA-2', { token: operator });
    await expectStatus(409, 'delete', '/api/meters/M-OA-1', { token: operator });
    await expectStatus(200, 'delete', '/api/meters/M-OA-2', { token: operator });
    await expectStatus(409, 'delete', '/api/customers/C-OA-1', { token: operator });
    await expectStatus(201, 'post', '/api/customers', { token: operator, body: { id: 'C-OA-4' } });
    await expectStatus(200, 'delete', '/api/customers/C-OA-4', { token: operator });
  });

  it('events: alarm rules, alarms with ack and clear, the event history and power quality answer as documented', async () => {
    const { viewer, operator } = h.tokens;
    const expectStatus = async (status: number, ...args: Parameters<typeof call>) => {
      const res = await call(...args);
      expect(res.status).toBe(status);
      return res;
    };
    const rules = await expectStatus(200, 'get', '/api/alarm-rules', { token: viewer });
    expect(rules.body.rules.length).toBeGreaterThanOrEqual(2);
    await expectStatus(401, 'get', '/api/alarm-rules');
    const rule = { name: 'OpenAPI', selector: { sensorIds: ['S-OA-EV'] }, condition: { op: 'above', threshold: 250, minDurationSeconds: 0 }, severity: 'minor' };
    const created = await expectStatus(201, 'post', '/api/alarm-rules', { token: operator, body: rule });
    await expectStatus(400, 'post', '/api/alarm-rules', { token: operator, body: { ...rule, clear: { threshold: 251, minDurationSeconds: 0 } } });
    await expectStatus(403, 'post', '/api/alarm-rules', { token: viewer, body: rule });
    const ruleUrl = `/api/alarm-rules/${created.body.id as string}`;
    await expectStatus(200, 'patch', ruleUrl, { token: operator, body: { clear: { threshold: 245, minDurationSeconds: 0 } } });
    await expectStatus(404, 'patch', '/api/alarm-rules/00000000-0000-4000-8000-000000000000', { token: operator, body: { name: 'x' } });
    await expectStatus(400, 'patch', '/api/alarm-rules/not-a-uuid', { token: operator, body: { name: 'x' } });

    // Readings after the rule's creation (it judges readings from then on): raised at once, and
    // above the clear threshold (245 V) after, so the alarm stays active for the operator.
    const t = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
    await h.produce(
      'sensor-data',
      [[0, 255], [10, 252], [20, 251]].map(([s, v]) => ({ key: 'S-OA-EV', value: json(sensorMessage('S-OA-EV', new Date(t + s! * 1000).toISOString(), v!)) })),
    );
    await waitFor(
      async () => (await request(h.baseUrl).get('/api/alarms').query({ source_id: 'S-OA-EV' }).set('Authorization', `Bearer ${viewer}`)).body.alarms?.length === 1,
      60_000,
      250,
      'alarm raised',
    );
    const alarms = await expectStatus(200, 'get', '/api/alarms', { token: viewer, query: { source_id: 'S-OA-EV', limit: '10' } });
    await expectStatus(400, 'get', '/api/alarms', { token: viewer, query: { status: 'open' } });
    const alarmUrl = `/api/alarms/${alarms.body.alarms[0].alarmId as string}`;
    const ack = await expectStatus(200, 'post', `${alarmUrl}/ack`, { token: operator, body: { note: 'seen' } });
    expect(ack.body.event.type).toBe('alarm.acknowledged');
    await expectStatus(409, 'post', `${alarmUrl}/ack`, { token: operator, body: {} });
    await expectStatus(403, 'post', `${alarmUrl}/clear`, { token: viewer, body: {} });
    await expectStatus(200, 'post', `${alarmUrl}/clear`, { token: operator, body: {} });
    await expectStatus(409, 'post', `${alarmUrl}/clear`, { token: operator, body: {} });
    const window = { from: new Date(t - 3_600_000).toISOString(), to: new Date(t + 3_600_000).toISOString() };
    const events = await expectStatus(200, 'get', '/api/events', { token: viewer, query: { source_id: 'S-OA-EV', ...window } });
    expect(events.body.events.length).toBeGreaterThanOrEqual(2);
    await expectStatus(200, 'get', '/api/events', { token: viewer, query: { type: 'alarm.raised', ...window } });
    await expectStatus(400, 'get', '/api/events', { token: viewer, query: { type: 'alarm.exploded' } });

    const week = `${new Date(base).getUTCFullYear()}-W01`;
    const pq = await expectStatus(200, 'get', '/api/sensors/S-OA-1/power-quality', { token: viewer, query: { week } });
    expect(pq.body).toMatchObject({ sensorType: 'voltage', intervalSeconds: 600 });
    await expectStatus(200, 'get', '/api/sensors/S-OA-1/power-quality', { token: viewer, query: { year: String(new Date(base).getUTCFullYear()) } });
    await expectStatus(400, 'get', '/api/sensors/S-OA-1/power-quality', { token: viewer, query: { week: '2026-W99' } });
    await expectStatus(404, 'get', '/api/sensors/S-OA-NONE/power-quality', { token: viewer, query: { week } });

    await expectStatus(200, 'delete', ruleUrl, { token: operator });
    await expectStatus(404, 'delete', ruleUrl, { token: operator });
  });

  it('has checked a success and an error answer of every documented route', () => {
    expect(api.coverageGaps()).toEqual([]);
  });
});
