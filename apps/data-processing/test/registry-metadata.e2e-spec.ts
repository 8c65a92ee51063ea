import { waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { readAuditEvents } from './support/audit-events';
import { Harness, startHarness } from './support/harness';

/**
 * Device metadata in MongoDB (FerretDB locally): documents filled from the metadata readings
 * carry (only when it changes, never one write per reading), edited with PUT and PATCH (JSON
 * merge patch), read with GET, and found by `meta.<path>=` filters on the listings.
 */
describe('device metadata (real servers, MongoDB)', () => {
  let h: Harness;
  const as = (role: 'viewer' | 'operator') => ({ Authorization: `Bearer ${h.tokens[role]}` });
  const metadataOf = async (path: string) => (await request(h.baseUrl).get(path).set(as('viewer')).expect(200)).body;
  const ids = (res: request.Response): string[] => (res.body.items as { id: string }[]).map((i) => i.id);
  const list = (query: Record<string, string> | string, path = '/api/sensors') => request(h.baseUrl).get(path).query(query).set(as('viewer')).expect(200);
  const base = Date.now() - 3_600_000;
  const sensorMessage = (id: string, i: number, metadata: Record<string, unknown>) => ({
    key: id,
    value: JSON.stringify({ sensor_id: id, sensor_type: 'voltage', value: 230 + i, timestamp: new Date(base + i * 1000).toISOString(), metadata }),
  });
  const inbox = async () => Number((await h.sql<{ n: string }>('SELECT count(*) AS n FROM device_metadata_inbox'))[0]!.n);

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('readings create the document from their metadata, and repeating it writes nothing', async () => {
    const reported = { firmware: '2.1', tags: ['feeder-7', 'urban'], vendor: { name: 'acme', model: 'V-1' } };
    await h.produce('sensor-data', [sensorMessage('MD-1', 0, reported)]);
    await waitFor(async () => (await request(h.baseUrl).get('/api/sensors/MD-1/metadata').set(as('viewer'))).body.rev === 1, 60_000, 250, 'MD-1 metadata');
    expect(await metadataOf('/api/sensors/MD-1/metadata')).toEqual({ kind: 'sensor', deviceId: 'MD-1', metadata: reported, rev: 1, updatedAt: expect.any(String), updatedBy: 'device' });

    await h.produce('sensor-data', Array.from({ length: 20 }, (_, i) => sensorMessage('MD-1', i + 1, reported)));
    await waitFor(async () => (await h.storage.getSensorData('MD-1', { from: base, to: base + 60_000, source: 'postgres' })).records.length === 21, 60_000, 250, '21 readings');
    expect(await inbox()).toBe(0); // no change, nothing recorded
    expect((await metadataOf('/api/sensors/MD-1/metadata')).rev).toBe(1);
  });

  it('PATCH merges (RFC 7396), PUT replaces; the search copy follows', async () => {
    const patched = await request(h.baseUrl)
      .patch('/api/sensors/MD-1/metadata')
      .set(as('operator'))
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ vendor: { model: 'V-2' }, tags: null, notes: { installer: 'team B', checked: true } }))
      .expect(200);
    expect(patched.body).toMatchObject({ rev: 2, updatedBy: 'operator-user', metadata: { firmware: '2.1', vendor: { name: 'acme', model: 'V-2' }, notes: { installer: 'team B', checked: true } } });
    expect(patched.body.metadata.tags).toBeUndefined();
    expect(ids(await list({ 'meta.notes.installer': 'team B' }))).toEqual(['MD-1']);
    expect(ids(await list({ 'meta.notes.checked': 'true' }))).toEqual(['MD-1']);

    const replaced = await request(h.baseUrl).put('/api/sensors/MD-1/metadata').set(as('operator')).send({ firmware: '2.2', rating: 10, tags: ['feeder-9'] }).expect(200);
    expect(replaced.body).toMatchObject({ rev: 3, metadata: { firmware: '2.2', rating: 10, tags: ['feeder-9'] } });
    expect(await metadataOf('/api/sensors/MD-1/metadata')).toMatchObject({ metadata: { firmware: '2.2', rating: 10, tags: ['feeder-9'] }, rev: 3 });
    expect(ids(await list({ 'meta.notes.installer': 'team B' }))).toEqual([]);
  });

  it("ingest merges only what a device changes: the operator's firmware stays while the device repeats itself", async () => {
    await h.produce('sensor-data', [sensorMessage('MD-1', 30, { firmware: '2.1', tags: ['feeder-7', 'urban'], vendor: { name: 'acme', model: 'V-1' } })]);
    await waitFor(async () => (await h.storage.getSensorData('MD-1', { from: base, to: base + 60_000, source: 'postgres' })).records.length === 22, 60_000, 250, 'reading 22');
    expect((await metadataOf('/api/sensors/MD-1/metadata')).metadata.firmware).toBe('2.2');

    await h.produce('sensor-data', [sensorMessage('MD-1', 31, { firmware: '2.3' })]); // a firmware update
    await waitFor(async () => (await metadataOf('/api/sensors/MD-1/metadata')).metadata.firmware === '2.3', 60_000, 250, 'firmware 2.3');
    expect(await metadataOf('/api/sensors/MD-1/metadata')).toMatchObject({ rev: 4, updatedBy: 'device', metadata: { firmware: '2.3', rating: 10, tags: ['feeder-9'] } });
  });

  it('meta.<path>= filters: strings, numbers, array members, nested fields, together with other filters', async () => {
    await request(h.baseUrl).post('/api/sensors').set(as('operator')).send({ id: 'MD-2', sensorType: 'current', location: { lat: 0, lon: 0.001 } }).expect(201);
    await request(h.baseUrl).put('/api/sensors/MD-2/metadata').set(as('operator')).send({ firmware: '2.3', rating: 16, tags: ['feeder-7'], vendor: { name: 'acme' } }).expect(200);
    await request(h.baseUrl).post('/api/sensors').set(as('operator')).send({ id: 'MD-3', sensorType: 'current', location: { lat: 10, lon: 10 } }).expect(201);
    await request(h.baseUrl).put('/api/sensors/MD-3/metadata').set(as('operator')).send({ firmware: '2.3', tags: ['feeder-7', 'rural'] }).expect(200);

    expect(ids(await list({ 'meta.firmware': '2.3' }))).toEqual(['MD-1', 'MD-2', 'MD-3']);
    expect(ids(await list({ 'meta.firmware': '2.3', 'meta.tags': 'feeder-7' }))).toEqual(['MD-2', 'MD-3']);
    expect(ids(await list('meta.tags=feeder-7&meta.tags=rural'))).toEqual(['MD-3']); // both
    expect(ids(await list({ 'meta.rating': '16' }))).toEqual(['MD-2']);
    expect(ids(await list({ 'meta.vendor.name': 'acme' }))).toEqual(['MD-2']);
    expect(ids(await list({ 'meta.firmware': '2.3', near: '0,0', radius_m: '1000' }))).toEqual(['MD-2']);
    expect(ids(await list({ 'meta.firmware': '2.3', type: 'current', sort: '-id' }))).toEqual(['MD-3', 'MD-2']);
    expect(ids(await list({ 'meta.firmware': '9.9' }))).toEqual([]);
  });

  it('meters have documents too', async () => {
    await h.produce('meter-readings', [
      { key: 'MM-1', value: JSON.stringify({ meter_id: 'MM-1', customer_id: 'C-9', timestamp: new Date(base).toISOString(), energy_kwh: 1, metadata: { phase: 3 } }) },
    ]);
    await waitFor(async () => (await request(h.baseUrl).get('/api/meters/MM-1/metadata').set(as('viewer'))).body.rev === 1, 60_000, 250, 'MM-1 metadata');
    await request(h.baseUrl).patch('/api/meters/MM-1/metadata').set(as('operator')).send({ ct_ratio: '200/5' }).expect(200);
    expect((await metadataOf('/api/meters/MM-1/metadata')).metadata).toEqual({ phase: 3, ct_ratio: '200/5' });
    expect(ids(await list({ 'meta.phase': '3' }, '/api/meters'))).toEqual(['MM-1']);
  });

  it('refuses what stores cannot hold (400 naming the path), unknown devices (404) and viewers writing (403)', async () => {
    const put = (body: unknown, path = '/api/sensors/MD-2/metadata') => request(h.baseUrl).put(path).set(as('operator')).send(body as object);
    expect((await put([1, 2]).expect(400)).body.fields[0].field).toBe('body');
    expect((await put({ 'a.b': 1 }).expect(400)).body.fields[0].field).toBe('body.a.b');
    expect((await put({ $set: 1 }).expect(400)).body.fields[0].field).toBe('body.$set');
    expect((await put({ nested: [[1]] }).expect(400)).body.fields[0].field).toBe('body.nested[0]');
    expect((await put({ big: 'x'.repeat(20_000) }).expect(400)).body.fields[0].field).toBe('body');
    await put({}, '/api/sensors/NOPE/metadata').expect(404);
    await request(h.baseUrl).get('/api/sensors/NOPE/metadata').set(as('viewer')).expect(404);
    await request(h.baseUrl).put('/api/sensors/MD-2/metadata').set(as('viewer')).send({}).expect(403);
    await request(h.baseUrl).patch('/api/sensors/MD-2/metadata').set(as('viewer')).send({}).expect(403);
    await request(h.baseUrl).get('/api/sensors/MD-2/metadata').expect(401);
    expect((await metadataOf('/api/sensors/MD-2/metadata')).rev).toBe(1); // untouched
  });

  it('operator edits are audited with the document before and after', async () => {
    const seen = await readAuditEvents(h, (events) => events.some((e) => e.action === 'registry.meter.metadata.patch'), 'metadata audit events');
    const put = seen.find((e) => e.action === 'registry.sensor.metadata.replace' && e.resource === 'sensors/MD-1/metadata');
    expect(put).toMatchObject({ actor: 'operator-user', metadata: { after: { firmware: '2.2', rating: 10, tags: ['feeder-9'] } } });
    expect(seen.find((e) => e.action === 'registry.meter.metadata.patch')).toMatchObject({ metadata: { before: { phase: 3 }, after: { phase: 3, ct_ratio: '200/5' } } });
  });
});
