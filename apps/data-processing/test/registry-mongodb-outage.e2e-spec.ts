import { restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { Harness, startHarness } from './support/harness';

/**
 * MongoDB (FerretDB) stopped for real before data-processing starts: the app starts and is
 * ready (`degraded`, MongoDB optional), metadata routes answer 503 naming MongoDB, everything
 * else works — the registry, map queries, ingest — and metadata that devices report meanwhile
 * waits in the registry's inbox until MongoDB is back, then lands in the documents.
 */
describe('registry with MongoDB stopped (real servers)', () => {
  let h: Harness;
  const as = (role: 'viewer' | 'operator') => ({ Authorization: `Bearer ${h.tokens[role]}` });
  const ts = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    h = await startHarness({}, () => stopServer('ferretdb'));
  });

  afterAll(() => restoreServersThen(['ferretdb'], () => h?.close()));

  it('starts and is ready, degraded, naming MongoDB as optional', async () => {
    const res = await request(h.baseUrl).get('/health/ready').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.details.mongodb).toMatchObject({ status: 'degraded', optional: true });
    expect(res.body.details.postgres.status).toBe('up');
  });

  it('metadata routes answer 503 naming MongoDB; the registry and map queries keep working', async () => {
    await request(h.baseUrl).post('/api/sensors').set(as('operator')).send({ id: 'MO-1', sensorType: 'voltage', location: { lat: 0, lon: 0.001 } }).expect(201);
    for (const r of [
      request(h.baseUrl).get('/api/sensors/MO-1/metadata').set(as('viewer')),
      request(h.baseUrl).put('/api/sensors/MO-1/metadata').set(as('operator')).send({ firmware: '1' }),
      request(h.baseUrl).patch('/api/sensors/MO-1/metadata').set(as('operator')).send({ firmware: '1' }),
      request(h.baseUrl).get('/api/meters/MO-M/metadata').set(as('viewer')),
    ]) {
      const res = await r.expect(503);
      expect(res.body.message).toMatch(/MongoDB/);
    }
    const near = await request(h.baseUrl).get('/api/sensors').query({ near: '0,0', radius_m: '500' }).set(as('viewer')).expect(200);
    expect(near.body.items.map((i: { id: string }) => i.id)).toEqual(['MO-1']);
    await request(h.baseUrl).patch('/api/sensors/MO-1').set(as('operator')).send({ name: 'still editable' }).expect(200);
    await request(h.baseUrl).delete('/api/sensors/MO-1').set(as('operator')).expect(200);
  });

  it('ingest goes on and keeps reported metadata for later; it lands once MongoDB is back', async () => {
    await h.produce('sensor-data', [
      { key: 'MO-2', value: JSON.stringify({ sensor_id: 'MO-2', sensor_type: 'voltage', value: 230, timestamp: ts, metadata: { firmware: '3.0', site: 'north' } }) },
    ]);
    await h.produce('meter-readings', [
      { key: 'MO-M', value: JSON.stringify({ meter_id: 'MO-M', customer_id: 'C-1', timestamp: ts, energy_kwh: 12, metadata: { phase: 1 } }) },
    ]);
    await waitFor(async () => (await request(h.baseUrl).get('/api/meters/MO-M').set(as('viewer'))).status === 200, 60_000, 250, 'MO-M ingested');
    const r = await request(h.baseUrl).get('/api/sensors/MO-2/readings').query({ source: 'postgres' }).set(as('viewer')).expect(200);
    expect(r.body.readings).toHaveLength(1);
    const pending = await h.sql<{ kind: string; device_id: string; patch: unknown }>('SELECT kind, device_id, patch FROM device_metadata_inbox ORDER BY seq');
    expect(pending).toEqual([
      { kind: 'sensor', device_id: 'MO-2', patch: { firmware: '3.0', site: 'north' } },
      { kind: 'meter', device_id: 'MO-M', patch: { phase: 1 } },
    ]);
    await waitFor(async () => /^smartgrid_registry_metadata_inbox 2$/m.test((await request(h.baseUrl).get('/metrics')).text), 30_000, 250, 'inbox gauge');

    startServer('ferretdb');
    await waitFor(async () => (await request(h.baseUrl).get('/api/sensors/MO-2/metadata').set(as('viewer'))).status === 200, 120_000, 500, 'metadata back');
    await waitFor(async () => (await request(h.baseUrl).get('/api/sensors/MO-2/metadata').set(as('viewer'))).body.rev === 1, 60_000, 250, 'inbox applied');
    expect((await request(h.baseUrl).get('/api/sensors/MO-2/metadata').set(as('viewer'))).body).toMatchObject({ metadata: { firmware: '3.0', site: 'north' }, updatedBy: 'device' });
    expect((await request(h.baseUrl).get('/api/meters/MO-M/metadata').set(as('viewer'))).body.metadata).toEqual({ phase: 1 });
    expect(await h.sql('SELECT 1 FROM device_metadata_inbox')).toEqual([]);
    expect((await request(h.baseUrl).get('/api/sensors').query({ 'meta.site': 'north' }).set(as('viewer')).expect(200)).body.items).toEqual([expect.objectContaining({ id: 'MO-2' })]);
    const ready = await request(h.baseUrl).get('/health/ready').expect(200);
    expect(ready.body.details.mongodb.status).toBe('up');
  });
});
