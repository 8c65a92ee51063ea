import { waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { readAuditEvents } from './support/audit-events';
import { Harness, startHarness } from './support/harness';

type RoleName = 'viewer' | 'operator' | 'admin';

/**
 * The grid registry on the real servers: every route and role, CRUD with lifecycle rules,
 * first sight by ingest and completion by an operator (whose edits ingest then leaves alone),
 * listings (filters, sort, cursor pages), map queries against hand-computed distances,
 * `silent_for`, the newest reading, and the audit trail of every change.
 */
describe('grid registry (real servers)', () => {
  let h: Harness;
  const as = (role: RoleName) => ({ Authorization: `Bearer ${h.tokens[role]}` });
  const get = (path: string, query: Record<string, string> = {}, role: RoleName = 'viewer') => request(h.baseUrl).get(path).query(query).set(as(role));
  const post = (path: string, body: unknown, role: RoleName = 'operator') => request(h.baseUrl).post(path).set(as(role)).send(body as object);
  const patch = (path: string, body: unknown, role: RoleName = 'operator') => request(h.baseUrl).patch(path).set(as(role)).send(body as object);
  const del = (path: string, role: RoleName = 'operator') => request(h.baseUrl).delete(path).set(as(role));
  const fieldsOf = (res: request.Response): string[] => (res.body.fields as { field: string }[]).map((f) => f.field);
  const ids = (res: request.Response): string[] => (res.body.items as { id: string }[]).map((i) => i.id);
  const MIN = 60_000;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('routes and roles', () => {
    const reads = ['/api/customers', '/api/customers/C-R', '/api/meters', '/api/meters/M-R', '/api/sensors', '/api/sensors/S-R', '/api/sensors/S-R/latest'];

    beforeAll(async () => {
      await post('/api/customers', { id: 'C-R' }).expect(201);
      await post('/api/meters', { id: 'M-R', customerId: 'C-R' }).expect(201);
      await post('/api/sensors', { id: 'S-R', sensorType: 'voltage' }).expect(201);
    });

    it.each(reads)('GET %s: 401 without a token, 200 for a viewer', async (path) => {
      await request(h.baseUrl).get(path).expect(401);
      await get(path).expect(200);
    });

    it.each([
      ['post', '/api/customers', { id: 'C-X' }],
      ['patch', '/api/customers/C-R', { name: 'x' }],
      ['delete', '/api/customers/C-R', undefined],
      ['post', '/api/meters', { id: 'M-X' }],
      ['patch', '/api/meters/M-R', { name: 'x' }],
      ['delete', '/api/meters/M-R', undefined],
      ['post', '/api/meters/M-R/assignments', { customerId: 'C-R', from: null }],
      ['post', '/api/sensors', { id: 'S-X', sensorType: 'voltage' }],
      ['patch', '/api/sensors/S-R', { name: 'x' }],
      ['delete', '/api/sensors/S-R', undefined],
    ] as const)('%s %s: 401 without a token, 403 for a viewer', async (method, path, body) => {
      await request(h.baseUrl)[method](path).send(body).expect(401);
      await request(h.baseUrl)[method](path).set(as('viewer')).send(body).expect(403);
    });

    it('an admin may do what an operator may', async () => {
      await patch('/api/customers/C-R', { name: 'Registry roles' }, 'admin').expect(200);
    });

    it('unknown ids are 404; bad ids 400 naming id', async () => {
      for (const path of ['/api/customers/nope', '/api/meters/nope', '/api/sensors/nope', '/api/sensors/nope/latest']) await get(path).expect(404);
      await patch('/api/sensors/nope', { name: 'x' }).expect(404);
      await del('/api/meters/nope').expect(404);
      await post('/api/meters/nope/assignments', { customerId: 'C-R', from: null }).expect(404);
      expect(fieldsOf(await get(`/api/sensors/${'S'.repeat(129)}`).expect(400))).toContain('id');
    });
  });

  describe('create, read, change, delete', () => {
    it('registers a customer and refuses the same id twice (409)', async () => {
      const res = await post('/api/customers', { id: 'C-1', name: 'Hoxha household', address: 'Rruga e Kavajës 10', contact: { email: 'arta@example.com', phone: '+355 69 000 0000' } }).expect(201);
      expect(res.body).toMatchObject({ id: 'C-1', name: 'Hoxha household', status: 'active', contact: { email: 'arta@example.com' } });
      await post('/api/customers', { id: 'C-1' }).expect(409);
      const changed = await patch('/api/customers/C-1', { address: null, status: 'inactive' }).expect(200);
      expect(changed.body).toMatchObject({ address: null, status: 'inactive', name: 'Hoxha household' });
    });

    it.each([
      ['/api/customers', { id: 'C-2', contact: { email: 'not-an-email' } }, 'contact.email'],
      ['/api/customers', { id: 'C-2', status: 'unregistered' }, 'status'],
      ['/api/customers', { id: 'C-2', colour: 'red' }, 'colour'],
      ['/api/customers', { id: '' }, 'id'],
      ['/api/meters', { id: 'M-2', location: { lat: 91, lon: 0 } }, 'location.lat'],
      ['/api/meters', { id: 'M-2', location: { lat: 0, lon: 181 } }, 'location.lon'],
      ['/api/meters', { id: 'M-2', customerId: 'C-none' }, 'customerId'],
      ['/api/meters', { id: 'M-2', installedAt: 'yesterday' }, 'installedAt'],
      ['/api/meters', { id: 'M-2', decommissionedAt: '2026-01-01T00:00:00Z' }, 'decommissionedAt'],
      ['/api/sensors', { id: 'S-2' }, 'sensorType'],
      ['/api/sensors', { id: 'S-2', sensorType: 'voltage', meterId: 'M-none' }, 'meterId'],
      ['/api/sensors', { id: 'S-2', sensorType: 'voltage', meterId: 'M-R', site: 'Substation 3' }, 'meterId'],
      ['/api/sensors', { id: 'S-2', sensorType: 'voltage', status: 'decommissioned', installedAt: '2026-02-01T00:00:00Z', decommissionedAt: '2026-01-01T00:00:00Z' }, 'decommissionedAt'],
    ])('POST %s %j: 400 naming %s', async (path, body, field) => {
      expect(fieldsOf(await post(path, body).expect(400))).toContain(field);
    });

    it('a sensor hangs off a registered meter; decommissioning dates it; returning to service clears the date', async () => {
      await post('/api/meters', { id: 'M-1', name: 'Block A', serial: 'LGZ-1', model: 'E450', customerId: 'C-1', installedAt: '2026-01-10T08:00:00Z' }).expect(201);
      const s = await post('/api/sensors', { id: 'S-1', sensorType: 'voltage', unit: 'V', meterId: 'M-1', location: { lat: 41.3275, lon: 19.8187 } }).expect(201);
      expect(s.body).toMatchObject({ id: 'S-1', meterId: 'M-1', site: null, status: 'active', location: { lat: 41.3275, lon: 19.8187 }, decommissionedAt: null });
      const before = Date.now();
      const gone = await patch('/api/sensors/S-1', { status: 'decommissioned' }).expect(200);
      expect(Date.parse(gone.body.decommissionedAt)).toBeGreaterThanOrEqual(before - 5000);
      await patch('/api/sensors/S-1', { site: 'Substation 3' }).expect(400); // still on M-1
      const back = await patch('/api/sensors/S-1', { status: 'active', meterId: null, site: 'Substation 3' }).expect(200);
      expect(back.body).toMatchObject({ status: 'active', decommissionedAt: null, meterId: null, site: 'Substation 3' });
      const meter = await get('/api/meters/M-1').expect(200);
      expect(meter.body).toMatchObject({ id: 'M-1', serial: 'LGZ-1', customerId: 'C-1', assignments: [{ customerId: 'C-1', from: null, until: null, createdBy: 'operator-user' }] });
    });

    it('deletes what has no history; refuses (409) what has readings or assignments — decommission instead', async () => {
      await post('/api/sensors', { id: 'S-DEL', sensorType: 'current' }).expect(201);
      await del('/api/sensors/S-DEL').expect(200);
      await get('/api/sensors/S-DEL').expect(404);

      await h.storage.storeSensorDataBatch([{ sensorId: 'S-HIST', sensorType: 'current', value: 1, timestamp: new Date(Date.now() - MIN) }]);
      const refused = await del('/api/sensors/S-HIST').expect(409);
      expect(refused.body.message).toMatch(/readings.*decommission/);
      await h.storage.storeMeterReadingBatch([{ meterId: 'M-HIST', customerId: 'C-HIST', energyKwh: 10, timestamp: new Date(Date.now() - MIN) }]);
      await del('/api/meters/M-HIST').expect(409);
      await del('/api/customers/C-HIST').expect(409);
      await del('/api/customers/C-1').expect(409); // M-1 is assigned to it
      await del('/api/meters/M-1').expect(200); // no readings, no sensors left on it
      await post('/api/customers', { id: 'C-LONE' }).expect(201);
      await del('/api/customers/C-LONE').expect(200);
    });
  });

  describe('first sight and completion', () => {
    it('devices first seen in readings are unregistered; an operator completes them and ingest no longer overwrites those fields', async () => {
      const t0 = Date.now() - 10 * MIN;
      await h.produce('sensor-data', [
        { key: 'S-NEW', value: JSON.stringify({ sensor_id: 'S-NEW', sensor_type: 'temp', unit: 'C', value: 20, timestamp: new Date(t0).toISOString(), location: { lat: 1, lon: 1 } }) },
      ]);
      await waitFor(async () => (await get('/api/sensors/S-NEW')).status === 200, 60_000, 250, 'S-NEW ingested');
      expect((await get('/api/sensors/S-NEW')).body).toMatchObject({ status: 'unregistered', sensorType: 'temp', unit: 'C', location: { lat: 1, lon: 1 } });
      expect(ids(await get('/api/sensors', { status: 'unregistered' }))).toContain('S-NEW');

      const done = await post('/api/sensors', { id: 'S-NEW', sensorType: 'temperature', location: { lat: 2, lon: 2 }, name: 'Cabinet 4' }).expect(201);
      expect(done.body).toMatchObject({ status: 'active', sensorType: 'temperature', unit: 'C', location: { lat: 2, lon: 2 }, name: 'Cabinet 4' });
      await post('/api/sensors', { id: 'S-NEW', sensorType: 'temperature' }).expect(409);

      // The device goes on reporting its own view, with a new unit: type and location stay the operator's, the unit follows the device.
      await h.storage.storeSensorDataBatch([{ sensorId: 'S-NEW', sensorType: 'temp', unit: 'K', value: 293, timestamp: new Date(t0 + MIN), location: { lat: 1, lon: 1 } }]);
      expect((await get('/api/sensors/S-NEW')).body).toMatchObject({ sensorType: 'temperature', unit: 'K', location: { lat: 2, lon: 2 } });
      const readings = await get('/api/sensors/S-NEW/readings', { source: 'postgres', from: new Date(t0 - MIN).toISOString() }).expect(200);
      expect(readings.body.readings.map((r: { sensorType: string }) => r.sensorType)).toEqual(['temperature', 'temperature']);
    });

    it('a meter first seen is assigned to the customer its reading names, since the beginning; completing it keeps that', async () => {
      await h.storage.storeMeterReadingBatch([{ meterId: 'M-NEW', customerId: 'C-NEW', energyKwh: 5, timestamp: new Date(Date.now() - 5 * MIN) }]);
      const m = await get('/api/meters/M-NEW').expect(200);
      expect(m.body).toMatchObject({ status: 'unregistered', customerId: 'C-NEW', assignments: [{ customerId: 'C-NEW', from: null, createdBy: 'ingest' }] });
      expect((await get('/api/customers/C-NEW')).body.status).toBe('unregistered');
      expect(fieldsOf(await post('/api/meters', { id: 'M-NEW', customerId: 'C-1' }).expect(400))).toEqual(['customerId']);
      const done = await post('/api/meters', { id: 'M-NEW', customerId: 'C-NEW', serial: 'SN-9' }).expect(201);
      expect(done.body).toMatchObject({ status: 'active', serial: 'SN-9', customerId: 'C-NEW', latest: { energyKwh: 5, customerId: 'C-NEW' } });
    });
  });

  describe('listing', () => {
    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        await post('/api/sensors', { id: `L-${i}`, sensorType: i % 2 === 0 ? 'voltage' : 'current', name: `Feeder ${7 - i}`, status: i === 6 ? 'inactive' : 'active' }).expect(201);
      }
      await post('/api/customers', { id: 'C-L' }).expect(201);
      await post('/api/meters', { id: 'M-L', customerId: 'C-L' }).expect(201);
      await patch('/api/sensors/L-1', { meterId: 'M-L' }).expect(200);
      await patch('/api/sensors/L-3', { meterId: 'M-L' }).expect(200);
    });

    it('filters by type, status, text, customer and meter', async () => {
      expect(ids(await get('/api/sensors', { q: 'feeder', type: 'voltage' }))).toEqual(['L-0', 'L-2', 'L-4', 'L-6']);
      expect(ids(await get('/api/sensors', { q: 'feeder', type: 'voltage', status: 'active' }))).toEqual(['L-0', 'L-2', 'L-4']);
      expect(ids(await get('/api/sensors', { q: 'EEDER 3' }))).toEqual(['L-4']);
      expect(ids(await get('/api/sensors', { q: 'L-' }))).toEqual(['L-0', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5', 'L-6']);
      expect(ids(await get('/api/sensors', { customer_id: 'C-L' }))).toEqual(['L-1', 'L-3']);
      expect(ids(await get('/api/sensors', { meter_id: 'M-L', q: 'L-3' }))).toEqual(['L-3']);
      expect(ids(await get('/api/meters', { customer_id: 'C-L' }))).toEqual(['M-L']);
      expect(ids(await get('/api/customers', { q: 'C-L' }))).toEqual(['C-L']);
      expect(ids(await get('/api/sensors', { q: '100%_' }))).toEqual([]);
    });

    it('sorts and pages with cursors until the last page', async () => {
      const seen: string[] = [];
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const res = await get('/api/sensors', { q: 'feeder', sort: '-name', limit: '3', ...(cursor ? { cursor } : {}) }).expect(200);
        seen.push(...ids(res));
        cursor = res.body.nextCursor as string | null;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(['L-0', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5', 'L-6']); // Feeder 7 … Feeder 1
      const byName = await get('/api/sensors', { q: 'feeder', sort: 'name', limit: '2' }).expect(200);
      expect(ids(byName)).toEqual(['L-6', 'L-5']);
      expect(fieldsOf(await get('/api/sensors', { q: 'feeder', sort: 'id', cursor: byName.body.nextCursor }).expect(400))).toEqual(['cursor']);
    });

    it.each([
      ['/api/sensors', { sort: 'password' }, 'sort'],
      ['/api/sensors', { sort: 'distance' }, 'sort'],
      ['/api/sensors', { status: 'gone' }, 'status'],
      ['/api/sensors', { limit: '0' }, 'limit'],
      ['/api/sensors', { limit: '1001' }, 'limit'],
      ['/api/sensors', { near: '41.3,19.8' }, 'radius_m'],
      ['/api/sensors', { near: '91,19.8', radius_m: '10' }, 'near'],
      ['/api/sensors', { near: '41.3,190', radius_m: '10' }, 'near'],
      ['/api/sensors', { near: '41.3,19.8', radius_m: '-1' }, 'radius_m'],
      ['/api/sensors', { radius_m: '10' }, 'radius_m'],
      ['/api/sensors', { bbox: '1,2,3' }, 'bbox'],
      ['/api/sensors', { bbox: '0,10,1,5' }, 'bbox'],
      ['/api/sensors', { silent_for: '15 minutes' }, 'silent_for'],
      ['/api/sensors', { silent_for: 'P1M' }, 'silent_for'],
      ['/api/sensors', { 'meta.$where': 'x' }, 'meta.$where'],
      ['/api/sensors', { format: 'kml' }, 'format'],
      ['/api/sensors', { cursor: 'garbage' }, 'cursor'],
      ['/api/sensors', { colour: 'red' }, 'colour'],
      ['/api/customers', { near: '0,0', radius_m: '1' }, 'near'],
      ['/api/customers', { 'meta.a': 'b' }, 'meta.a'],
    ])('GET %s %j: 400 naming %s', async (path, query, field) => {
      expect(fieldsOf(await get(path, query).expect(400))).toContain(field);
    });
  });

  describe('map queries (PostGIS, distances on the WGS84 ellipsoid)', () => {
    // On the equator a geodesic is the equator itself: 0.001° of longitude is
    // a · 0.001 · π/180 = 6378137 · 1.745329252e-5 = 111.319491 m. Along the meridian at the
    // equator, 0.001° of latitude is a(1 − e²) · 0.001 · π/180 = 6335439.327 · 1.745329252e-5 = 110.574274 m.
    const EAST_1 = 111.319491;
    beforeAll(async () => {
      const at = (id: string, lat: number, lon: number) => post('/api/sensors', { id, sensorType: 'voltage', location: { lat, lon } }).expect(201);
      await at('G-E1', 0, 0.001);
      await at('G-E2', 0, 0.002);
      await at('G-E5', 0, 0.005);
      await at('G-E10', 0, 0.01);
      await at('G-N1', 0.001, 0);
      await post('/api/sensors', { id: 'G-NOWHERE', sensorType: 'voltage' }).expect(201);
      await post('/api/meters', { id: 'G-M1', location: { lat: 0, lon: -0.003 } }).expect(201);
      await post('/api/meters', { id: 'G-M2', location: { lat: 0, lon: 179.9995 } }).expect(201);
    });

    it('near + radius_m: nearest first, each with distance_m', async () => {
      const res = await get('/api/sensors', { near: '0,0', radius_m: '600' }).expect(200);
      expect(ids(res)).toEqual(['G-N1', 'G-E1', 'G-E2', 'G-E5']);
      const d = (res.body.items as { distance_m: number }[]).map((i) => i.distance_m);
      expect(d[0]).toBeCloseTo(110.574274, 3);
      expect(d[1]).toBeCloseTo(EAST_1, 3);
      expect(d[2]).toBeCloseTo(2 * EAST_1, 3);
      expect(d[3]).toBeCloseTo(5 * EAST_1, 3);
      expect(ids(await get('/api/sensors', { near: '0,0', radius_m: '111.3' }))).toEqual(['G-N1']);
      expect(ids(await get('/api/sensors', { near: '0,0', radius_m: '111.33' }))).toEqual(['G-N1', 'G-E1']);
      const meters = await get('/api/meters', { near: '0,0', radius_m: '1000' }).expect(200);
      expect(meters.body.items).toEqual([expect.objectContaining({ id: 'G-M1' })]);
      expect(meters.body.items[0].distance_m).toBeCloseTo(3 * EAST_1, 3);
    });

    it('pages through the nearest with cursors', async () => {
      const first = await get('/api/sensors', { near: '0,0', radius_m: '2000', limit: '2' }).expect(200);
      expect(ids(first)).toEqual(['G-N1', 'G-E1']);
      const second = await get('/api/sensors', { near: '0,0', radius_m: '2000', limit: '2', cursor: first.body.nextCursor }).expect(200);
      expect(ids(second)).toEqual(['G-E2', 'G-E5']);
      const third = await get('/api/sensors', { near: '0,0', radius_m: '2000', limit: '2', cursor: second.body.nextCursor }).expect(200);
      expect(ids(third)).toEqual(['G-E10']);
      expect(third.body.nextCursor).toBeNull();
    });

    it('bbox: a lon/lat rectangle, also across the antimeridian', async () => {
      expect(ids(await get('/api/sensors', { bbox: '-0.0005,-0.0005,0.0015,0.0015' }))).toEqual(['G-E1', 'G-N1']);
      expect(ids(await get('/api/meters', { bbox: '179.999,-0.001,-179.999,0.001' }))).toEqual(['G-M2']);
      expect(ids(await get('/api/meters', { bbox: '-0.004,-0.001,0,0.001' }))).toEqual(['G-M1']);
    });

    it('format=geojson: a FeatureCollection any map library draws', async () => {
      const res = await get('/api/sensors', { near: '0,0', radius_m: '150', format: 'geojson' }).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      expect(res.body).toMatchObject({
        type: 'FeatureCollection',
        nextCursor: null,
        features: [
          { type: 'Feature', id: 'G-N1', geometry: { type: 'Point', coordinates: [0, 0.001] }, properties: { id: 'G-N1', sensorType: 'voltage' } },
          { type: 'Feature', id: 'G-E1', geometry: { type: 'Point', coordinates: [0.001, 0] } },
        ],
      });
      expect(res.body.features[0].properties.distance_m).toBeCloseTo(110.574274, 3);
      expect(res.body.features[0].properties.location).toBeUndefined();
      const nowhere = await get('/api/sensors', { q: 'G-NOWHERE', format: 'geojson' }).expect(200);
      expect(nowhere.body.features).toEqual([expect.objectContaining({ id: 'G-NOWHERE', geometry: null })]);
    });
  });

  describe('fleet views', () => {
    beforeAll(async () => {
      const now = Date.now();
      await post('/api/sensors', { id: 'F-NEVER', sensorType: 'voltage' }).expect(201);
      await h.storage.storeSensorDataBatch([
        { sensorId: 'F-20M', sensorType: 'voltage', unit: 'V', value: 229.5, timestamp: new Date(now - 25 * MIN) },
        { sensorId: 'F-20M', sensorType: 'voltage', unit: 'V', value: 230.5, timestamp: new Date(now - 20 * MIN) },
        { sensorId: 'F-1M', sensorType: 'voltage', value: 231, timestamp: new Date(now - MIN) },
        { sensorId: 'F-2H', sensorType: 'voltage', value: 228, timestamp: new Date(now - 120 * MIN) },
        { sensorId: 'F-OFF', sensorType: 'voltage', value: 228, timestamp: new Date(now - 120 * MIN) },
      ]);
      // An older reading arriving late does not move the newest one back.
      await h.storage.storeSensorDataBatch([{ sensorId: 'F-1M', sensorType: 'voltage', value: 1, timestamp: new Date(now - 90 * MIN) }]);
      await post('/api/sensors', { id: 'F-OFF', sensorType: 'voltage', status: 'decommissioned' }).expect(201);
    });

    it('silent_for lists devices whose newest reading is older (decommissioned ones left out)', async () => {
      expect(ids(await get('/api/sensors', { q: 'F-', silent_for: 'PT15M' }))).toEqual(['F-20M', 'F-2H']);
      expect(ids(await get('/api/sensors', { q: 'F-', silent_for: 'PT1H' }))).toEqual(['F-2H']);
      expect(ids(await get('/api/sensors', { q: 'F-', silent_for: 'PT30S' }))).toEqual(['F-1M', 'F-20M', 'F-2H']);
      expect(ids(await get('/api/sensors', { q: 'F-', sort: '-lastSeenAt' }))).toEqual(['F-1M', 'F-20M', 'F-2H', 'F-OFF', 'F-NEVER']);
    });

    it('GET /api/sensors/:id/latest: the newest reading and how long ago', async () => {
      const res = await get('/api/sensors/F-20M/latest').expect(200);
      expect(res.body).toMatchObject({ sensorId: 'F-20M', reading: { value: 230.5, unit: 'V' } });
      // The reading was stamped 20 minutes before the set-up, so at least that much silence;
      // the exact computation (rounding, clock ahead) is pinned with a fixed clock in
      // sensors-registry.responses.spec.ts.
      expect(Number.isInteger(res.body.silentForSeconds)).toBe(true);
      expect(res.body.silentForSeconds).toBeGreaterThanOrEqual(20 * 60);
      expect((await get('/api/sensors/F-1M/latest')).body.reading.value).toBe(231);
      expect((await get('/api/sensors/F-NEVER/latest')).body).toMatchObject({ reading: null, lastSeenAt: null, silentForSeconds: null });
      expect((await get('/api/sensors/F-20M')).body.lastSeenAt).toBe(res.body.lastSeenAt);
    });
  });

  it('every change so far is on audit-events with the actor and the record before and after', async () => {
    const seen = await readAuditEvents(h, (events) => events.some((e) => e.resource === 'customers/C-LONE' && e.action === 'registry.customer.delete'), 'audit events');
    const find = (action: string, resource: string) => seen.find((e) => e.action === action && e.resource === resource);
    expect(find('registry.customer.create', 'customers/C-1')).toMatchObject({ actor: 'operator-user', metadata: { before: null, after: { id: 'C-1', status: 'active' } } });
    expect(find('registry.customer.update', 'customers/C-R')).toMatchObject({ actor: 'admin-user', metadata: { after: { name: 'Registry roles' } } });
    expect(find('registry.sensor.update', 'sensors/S-1')).toMatchObject({ metadata: { before: { status: 'active' }, after: { status: 'decommissioned' } } });
    expect(find('registry.sensor.create', 'sensors/S-NEW')).toMatchObject({ metadata: { before: { status: 'unregistered', sensorType: 'temp' }, after: { status: 'active' } } });
    expect(find('registry.sensor.delete', 'sensors/S-DEL')).toMatchObject({ metadata: { before: { id: 'S-DEL' }, after: null } });
    expect(find('registry.meter.delete', 'meters/M-1')).toBeDefined();
    // Refused changes (400, 403, 409) are not changes.
    expect(seen.filter((e) => e.resource === 'sensors/S-HIST')).toEqual([]);
  });
});
