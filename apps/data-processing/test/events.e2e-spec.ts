import { CassandraEventHistoryStore } from '@smartgrid/cassandra';
import { EventsWatcherService } from '@smartgrid/events';
import type { GridEvent } from '@smartgrid/events';
import { MongoEventHistoryStore } from '@smartgrid/mongo';
import { waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { caughtUp, endOffsets, GridEventsTap, tapGridEvents } from './support/grid-events';
import { tapAuditEvents } from './support/audit-events';
import { Harness, json, startHarness } from './support/harness';
import { meterMessage, sensorMessage } from './support/malformed-corpus';

const SENSOR = 'S-EV-1';
const METER = 'M-EV-1';
const S = 1000;

interface AlarmBody {
  alarmId: string;
  status: string;
  severity: string;
  sourceId: string;
  episodeStartedAt: string;
  raisedAt: string;
  episodeEndedAt: string | null;
  clearedBy: string | null;
  raiseValue: number | null;
  notes: { by: string; text: string; action: string }[];
  source: string;
}

/**
 * Alarm rules evaluated on ingest against the real servers: scripted reading sequences give
 * exactly the expected events (a spike shorter than the minimum duration raises nothing; a
 * value flapping inside the hysteresis band does not flap the alarm), the same events are read
 * back from Cassandra, MongoDB and `grid-events`, and neither a duplicate delivery nor a
 * restart that replays the whole topic raises anything new.
 */
describe('grid events and alarms on ingest (real servers)', () => {
  let h: Harness;
  let tap: GridEventsTap;
  let ruleId: string;
  // Readings lie ahead of now: a rule judges readings timestamped from its creation on.
  const t0 = Math.ceil(Date.now() / 60_000) * 60_000 + 120_000;
  const at = (sec: number): string => new Date(t0 + sec * S).toISOString();
  const range = { from: new Date(t0 - 3_600_000).toISOString(), to: new Date(t0 + 3_600_000).toISOString() };
  const ingestGroup = (): string => `${h.stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`;
  const get = (url: string, query: Record<string, string> = {}) =>
    request(h.baseUrl).get(url).query(query).set('Authorization', `Bearer ${h.tokens.viewer}`);
  const alarmsOf = async (source: string): Promise<AlarmBody[]> => (await get('/api/alarms', { source_id: source }).expect(200)).body.alarms as AlarmBody[];
  const sensorReadings = (pairs: [number, number][]) => pairs.map(([sec, v]) => ({ key: SENSOR, value: json(sensorMessage(SENSOR, at(sec), v)) }));
  const ledgerCount = async (): Promise<number> => Number((await h.sql<{ n: string }>('SELECT count(*) AS n FROM grid_events'))[0]!.n);
  const settle = async (): Promise<void> => {
    await waitFor(() => caughtUp(h.kafka, ingestGroup(), h.topic('sensor-data')), 60_000, 200, 'sensor-data committed');
    await waitFor(() => caughtUp(h.kafka, ingestGroup(), h.topic('meter-readings')), 60_000, 200, 'meter-readings committed');
  };

  // Spike (30 s over 253 V, shorter than the 60 s minimum): nothing. Then over from 50 s,
  // raised at 110 s; values flapping between 251 and 255 (inside the band, never below 250):
  // no clear; below 250 from 180 s, cleared at 210 s; 220 s and 230 s release the last ones.
  const first: [number, number][] = [[0, 240], [10, 255], [20, 256], [30, 255], [40, 240], [50, 255], [60, 255], [70, 256], [80, 255], [90, 254], [100, 255]];
  const second: [number, number][] = [[110, 255], [120, 251], [130, 254], [140, 251], [150, 252], [160, 255], [170, 251], [180, 249], [190, 248], [200, 249], [210, 249], [220, 230], [230, 230]];

  beforeAll(async () => {
    h = await startHarness({ KAFKA_TOPIC_PARTITIONS: '1', EVENTS_SENSOR_LATENESS_MS: '5000', EVENTS_CHECKPOINT_INTERVAL_MS: '200' });
    tap = await tapGridEvents(h.kafka, h.topic('grid-events'), `${h.stack.env.KAFKA_TOPIC_PREFIX}grid-events-reader`);
  });

  afterAll(async () => {
    await tap?.stop().catch(() => undefined);
    await h?.close();
  });

  it('ships the EN 50160 voltage and frequency rules, disabled', async () => {
    const res = await get('/api/alarm-rules').expect(200);
    const builtin = (res.body.rules as { builtin: string | null; enabled: boolean; condition: unknown }[]).filter((r) => r.builtin !== null);
    expect(builtin.map((r) => [r.builtin, r.enabled]).sort()).toEqual([
      ['en50160-frequency', false],
      ['en50160-voltage', false],
    ]);
    expect(builtin.find((r) => r.builtin === 'en50160-voltage')!.condition).toEqual({ op: 'outside', low: 207, high: 253, minDurationSeconds: 60 });
    expect(builtin.find((r) => r.builtin === 'en50160-frequency')!.condition).toEqual({ op: 'outside', low: 49.5, high: 50.5, minDurationSeconds: 10 });
  });

  it('a rule with hysteresis: the spike raises nothing, the flapping does not flap, exactly one raise and one clear', async () => {
    const created = await request(h.baseUrl)
      .post('/api/alarm-rules')
      .set('Authorization', `Bearer ${h.tokens.operator}`)
      .send({
        name: 'S-EV-1 over-voltage',
        selector: { sensorIds: [SENSOR] },
        condition: { op: 'above', threshold: 253, minDurationSeconds: 60 },
        clear: { threshold: 250, minDurationSeconds: 30 },
        severity: 'major',
      })
      .expect(201);
    ruleId = created.body.id as string;
    expect(created.body).toMatchObject({ enabled: true, version: 1, createdBy: 'operator-user' });

    await h.produce('sensor-data', sensorReadings(first));
    await settle();
    // Two batches: the state carries across them.
    await h.produce('sensor-data', sensorReadings(second));
    await settle();

    const alarms = await waitFor(async () => {
      const list = await alarmsOf(SENSOR);
      return list.length === 1 && list[0]!.status === 'cleared' ? list : undefined;
    }, 30_000, 250, 'alarm raised and cleared');
    expect(alarms[0]).toMatchObject({
      status: 'cleared',
      severity: 'major',
      clearedBy: 'rule',
      episodeStartedAt: at(50),
      raisedAt: at(110),
      episodeEndedAt: at(210),
      raiseValue: 255,
      source: 'postgres',
    });
    const rows = await h.sql<{ type: string; ts: Date }>('SELECT type, ts FROM grid_events WHERE source_id = $1 ORDER BY ts', [SENSOR]);
    expect(rows.map((r) => [r.type, r.ts.toISOString()])).toEqual([
      ['alarm.raised', at(110)],
      ['alarm.cleared', at(210)],
    ]);
  });

  it('the same events are read from Cassandra, MongoDB and grid-events (key = source id)', async () => {
    const ids = (await h.sql<{ event_id: string }>('SELECT event_id FROM grid_events WHERE source_id = $1 ORDER BY ts DESC', [SENSOR])).map((r) => r.event_id);
    expect(ids).toHaveLength(2);
    const q = { sourceId: SENSOR, from: new Date(range.from), to: new Date(range.to), limit: 10 };
    const cassandra = await waitFor(async () => {
      const e = await h.app.get(CassandraEventHistoryStore).query(q);
      return e.length === 2 ? e : undefined;
    }, 30_000, 250, 'cassandra events');
    const mongo = await waitFor(async () => {
      const e = await h.app.get(MongoEventHistoryStore).query(q);
      return e.length === 2 ? e : undefined;
    }, 30_000, 250, 'mongodb events');
    const same = (e: GridEvent) => [e.eventId, e.type, e.status, e.severity, e.timestamp.toISOString(), e.alarm?.version];
    expect(cassandra.map((e) => e.eventId)).toEqual(ids);
    expect(cassandra.map(same)).toEqual(mongo.map(same));

    const one = await get('/api/events', { source_id: SENSOR, ...range }).expect(200);
    expect(one.body.source).toBe('cassandra');
    expect(one.body.events.map((e: { eventId: string; source: string }) => [e.eventId, e.source])).toEqual(ids.map((id) => [id, 'cassandra']));
    const across = await get('/api/events', { type: 'alarm.raised', ...range }).expect(200);
    expect(across.body.source).toBe('mongodb');
    expect(across.body.events.map((e: { eventId: string }) => e.eventId)).toEqual([ids[1]]);

    const published = await waitFor(() => {
      const mine = tap.events.filter((e) => e.source_id === SENSOR);
      return mine.length >= 2 ? mine : undefined;
    }, 30_000, 250, 'grid-events');
    expect(published.map((e) => e.event_id).sort()).toEqual([...ids].sort());
    expect(published.every((e) => e.key === SENSOR)).toBe(true);
    const cleared = published.find((e) => e.type === 'alarm.cleared')!;
    expect(cleared).toMatchObject({ severity: 'major', status: 'cleared', timestamp: at(210) });
    expect(cleared.details).toMatchObject({ ruleId, source_kind: 'sensor', clearedBy: 'rule', alarm: expect.objectContaining({ status: 'cleared', version: 2 }) });
  });

  it('the same readings delivered again raise nothing new', async () => {
    const before = await endOffsets(h.kafka, h.topic('grid-events'));
    const ledger = await ledgerCount();
    await h.produce('sensor-data', sensorReadings([...first, ...second]));
    await settle();
    expect(await endOffsets(h.kafka, h.topic('grid-events'))).toBe(before);
    expect(await ledgerCount()).toBe(ledger);
    expect(await alarmsOf(SENSOR)).toHaveLength(1);
  });

  it('a restart that replays the whole topic (offsets reset) raises nothing new, and evaluation goes on from the rebuilt state', async () => {
    const before = await endOffsets(h.kafka, h.topic('grid-events'));
    const ledger = await ledgerCount();
    await h.restart(async () => {
      const admin = h.kafka.admin();
      await admin.connect();
      try {
        // The group is empty once the app is closed; everything is delivered again.
        await waitFor(async () => (await admin.describeGroups([ingestGroup()])).groups[0]!.members.length === 0, 30_000, 250, 'group empty');
        await admin.resetOffsets({ groupId: ingestGroup(), topic: h.topic('sensor-data'), earliest: true });
      } finally {
        await admin.disconnect();
      }
    });
    await settle();
    expect(await endOffsets(h.kafka, h.topic('grid-events'))).toBe(before);
    expect(await ledgerCount()).toBe(ledger);

    // A new episode after the restart: raised once, by the new instance.
    await h.produce('sensor-data', sensorReadings([[300, 260], [330, 260], [360, 261], [370, 230], [380, 230]]));
    await settle();
    const alarms = await waitFor(async () => {
      const list = await alarmsOf(SENSOR);
      return list.length === 2 ? list : undefined;
    }, 30_000, 250, 'second alarm');
    expect(alarms[0]).toMatchObject({ status: 'active', episodeStartedAt: at(300), raisedAt: at(360), raiseValue: 261 });
  });

  it('operators acknowledge and clear with a note (audited); the lifecycle refuses a second step', async () => {
    const active = (await alarmsOf(SENSOR)).find((a) => a.status === 'active')!;
    const op = (path: string, body: object = {}) => request(h.baseUrl).post(`/api/alarms/${active.alarmId}/${path}`).set('Authorization', `Bearer ${h.tokens.operator}`).send(body);
    await request(h.baseUrl).post(`/api/alarms/${active.alarmId}/ack`).set('Authorization', `Bearer ${h.tokens.viewer}`).send({}).expect(403);
    const acked = await op('ack', { note: 'crew dispatched' }).expect(200);
    expect(acked.body.alarm).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator-user', notes: [expect.objectContaining({ text: 'crew dispatched', action: 'acknowledge' })] });
    expect(acked.body.event).toMatchObject({ type: 'alarm.acknowledged', status: 'acknowledged' });
    expect((await op('ack').expect(409)).body.message).toMatch(/acknowledged/);
    const cleared = await op('clear', { note: 'tap changer fixed' }).expect(200);
    expect(cleared.body.alarm).toMatchObject({ status: 'cleared', clearedBy: 'operator-user' });
    await op('clear').expect(409);
    await request(h.baseUrl).post('/api/alarms/00000000-0000-1000-8000-000000000000/ack').set('Authorization', `Bearer ${h.tokens.operator}`).send({}).expect(404);
    const bad = await op('ack', { note: '' }).expect(400);
    expect(bad.body.fields[0].field).toBe('note');

    // The events reach all three places, and the actions are on audit-events.
    const ack = acked.body.event.eventId as string;
    await waitFor(() => tap.events.some((e) => e.event_id === ack), 30_000, 250, 'ack on grid-events');
    await waitFor(async () => (await h.app.get(MongoEventHistoryStore).query({ sourceId: SENSOR, from: new Date(range.from), to: new Date(t0 + 86_400_000), limit: 50 })).some((e) => e.eventId === ack), 30_000, 250, 'ack in mongodb');
    const listed = await get('/api/alarms', { status: 'cleared', source_id: SENSOR }).expect(200);
    expect(listed.body.alarms.map((a: AlarmBody) => a.alarmId)).toContain(active.alarmId);
    // Cursor pages: newest raise first, one per page, the same walk as one page of two.
    const all = (await get('/api/alarms', { source_id: SENSOR }).expect(200)).body.alarms.map((a: AlarmBody) => a.alarmId);
    expect(all).toHaveLength(2);
    const p1 = (await get('/api/alarms', { source_id: SENSOR, limit: '1' }).expect(200)).body;
    const p2 = (await get('/api/alarms', { source_id: SENSOR, limit: '1', cursor: p1.nextCursor }).expect(200)).body;
    expect([...p1.alarms, ...p2.alarms].map((a: AlarmBody) => a.alarmId)).toEqual(all);
    expect(p2.nextCursor).toBeNull();
    const e1 = (await get('/api/events', { source_id: SENSOR, ...range, limit: '2' }).expect(200)).body;
    const e2 = (await get('/api/events', { source_id: SENSOR, ...range, limit: '100', cursor: e1.nextCursor }).expect(200)).body;
    const everything = (await get('/api/events', { source_id: SENSOR, ...range, limit: '100' }).expect(200)).body.events.map((e: { eventId: string }) => e.eventId);
    expect([...e1.events, ...e2.events].map((e: { eventId: string }) => e.eventId)).toEqual(everything);
    expect((await get('/api/alarms', { cursor: 'bm90LWEtY3Vyc29y' }).expect(400)).body.fields[0].field).toBe('cursor');
    const audit = await tapAuditEvents(h);
    try {
      await waitFor(() => audit.events.some((a) => a.action === 'alarm.acknowledge' && a.resource === `alarms/${active.alarmId}` && a.actor === 'operator-user'), 30_000, 250, 'audit event');
      expect(audit.events.find((a) => a.action === 'alarm.clear')?.metadata).toMatchObject({ note: 'tap changer fixed', sourceId: SENSOR });
    } finally {
      await audit.stop();
    }
  });

  it('rules refuse inconsistent definitions naming the field; operators change and delete them', async () => {
    const op = h.tokens.operator;
    const bad = await request(h.baseUrl)
      .post('/api/alarm-rules')
      .set('Authorization', `Bearer ${op}`)
      .send({ name: 'x', selector: { sensorType: 'voltage' }, condition: { op: 'above', threshold: 253, minDurationSeconds: 0 }, clear: { threshold: 260, minDurationSeconds: 0 }, severity: 'minor' })
      .expect(400);
    expect(bad.body.fields).toEqual([{ field: 'clear.threshold', message: expect.stringMatching(/condition.threshold/) }]);
    const badOp = await request(h.baseUrl).post('/api/alarm-rules').set('Authorization', `Bearer ${op}`).send({ name: 'x', selector: {}, condition: { op: 'over', minDurationSeconds: -1 }, severity: 'loud' }).expect(400);
    expect(badOp.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['condition.minDurationSeconds', 'condition.op', 'severity']);
    await request(h.baseUrl).post('/api/alarm-rules').set('Authorization', `Bearer ${h.tokens.viewer}`).send({}).expect(403);
    const patched = await request(h.baseUrl).patch(`/api/alarm-rules/${ruleId}`).set('Authorization', `Bearer ${op}`).send({ severity: 'critical' }).expect(200);
    expect(patched.body).toMatchObject({ severity: 'critical', version: 2 });
    await request(h.baseUrl).delete(`/api/alarm-rules/${ruleId}`).set('Authorization', `Bearer ${op}`).expect(200);
    await request(h.baseUrl).delete(`/api/alarm-rules/${ruleId}`).set('Authorization', `Bearer ${op}`).expect(404);
  });

  it('meter events: a register running backwards and a reset, once each', async () => {
    const base = t0 - 3_600_000;
    const readings: [number, number][] = [[0, 100], [15, 101], [30, 100.9995], [45, 60], [60, 0.3], [75, 0.9]];
    const msgs = readings.map(([min, kwh]) => ({ key: METER, value: json(meterMessage(METER, 'C-EV-1', new Date(base + min * 60_000).toISOString(), kwh)) }));
    await h.produce('meter-readings', msgs);
    await settle();
    await h.produce('meter-readings', msgs);
    await settle();
    const events = await waitFor(async () => {
      const e = (await get('/api/events', { source_id: METER, ...range }).expect(200)).body.events as { type: string; timestamp: string; details: Record<string, unknown> }[];
      return e.length >= 2 ? e : undefined;
    }, 30_000, 250, 'meter events');
    expect(events.map((e) => [e.type, e.timestamp])).toEqual([
      ['meter.register_reset', new Date(base + 60 * 60_000).toISOString()],
      ['meter.register_backwards', new Date(base + 45 * 60_000).toISOString()],
    ]);
    expect(events[1]!.details).toMatchObject({ energyKwh: 60, previousEnergyKwh: 100.9995, dropKwh: 40.9995 });
  });

  it('a meter that stops reporting gets a no-data alarm from the watcher, cleared when it reports again', async () => {
    const id = 'M-EV-SILENT';
    const now = Date.now();
    // Every 60 s until 10 minutes ago: its interval is learnt as 60 s, three missed by now.
    const msgs = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10].map((m) => ({ key: id, value: json(meterMessage(id, 'C-EV-2', new Date(now - m * 60_000).toISOString(), 100 - m)) }));
    await h.produce('meter-readings', msgs);
    await settle();
    const watcher = h.app.get(EventsWatcherService);
    // Checkpoints (newest reading, learnt interval) are written every 200 ms here.
    const mine = async (): Promise<GridEvent[] | undefined> => {
      const out = (await watcher.runOnce()).filter((e) => e.sourceId === id);
      return out.length > 0 ? out : undefined;
    };
    const raised = await waitFor(mine, 30_000, 250, 'no-data alarm');
    expect(raised).toEqual([expect.objectContaining({ type: 'alarm.raised', severity: 'major', details: expect.objectContaining({ alarmKind: 'meter.no_data', intervalMs: 60_000 }) })]);
    expect(raised[0]!.details.missedIntervals).toBeGreaterThanOrEqual(10);
    expect((await watcher.runOnce()).filter((e) => e.sourceId === id)).toEqual([]);
    const [alarm] = await alarmsOf(id);
    expect(alarm).toMatchObject({ status: 'active', episodeStartedAt: new Date(now - 10 * 60_000).toISOString() });

    await h.produce('meter-readings', [{ key: id, value: json(meterMessage(id, 'C-EV-2', new Date(now).toISOString(), 95)) }]);
    await settle();
    const cleared = await waitFor(mine, 30_000, 250, 'no-data cleared');
    expect(cleared).toEqual([expect.objectContaining({ type: 'alarm.cleared', status: 'cleared', details: expect.objectContaining({ reason: 'readings resumed', clearedBy: 'system' }) })]);
    expect((await alarmsOf(id))[0]).toMatchObject({ alarmId: alarm!.alarmId, status: 'cleared', clearedBy: 'system' });
  });
});
