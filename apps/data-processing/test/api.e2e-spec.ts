import request from 'supertest';
import { Harness, startHarness } from './support/harness';

const ROUTES: { method: 'get' | 'post'; path: string; minRole: 'viewer' | 'operator' }[] = [
  { method: 'get', path: '/api/sensors/S-1/readings', minRole: 'viewer' },
  { method: 'get', path: '/api/sensors/S-1/aggregates', minRole: 'viewer' },
  { method: 'get', path: '/api/meters/M-1/readings', minRole: 'viewer' },
  { method: 'get', path: '/api/customers/C-1/consumption', minRole: 'viewer' },
  { method: 'get', path: '/api/storage/status', minRole: 'viewer' },
  { method: 'post', path: '/api/storage/replay', minRole: 'operator' },
  { method: 'get', path: '/api/storage/reconcile', minRole: 'operator' },
];

describe('data-processing REST API: auth, validation, OpenAPI', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s: 401 without a token or with a bad one', async (_n, r) => {
    await request(h.baseUrl)[r.method](r.path).expect(401);
    await request(h.baseUrl)[r.method](r.path).set('Authorization', 'Bearer not.a.jwt').expect(401);
    // Signed with another secret.
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6Im1hbGxvcnkiLCJyb2xlIjoiYWRtaW4iLCJzdWIiOiJ4In0.c2lnbmF0dXJlLW5vdC12YWxpZC1hdC1hbGwtYWJjZGVm';
    await request(h.baseUrl)[r.method](r.path).set('Authorization', `Bearer ${forged}`).expect(401);
  });

  it.each(ROUTES.filter((r) => r.minRole === 'operator').map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: 403 for a viewer, 200 for an operator and an admin',
    async (_n, r) => {
      await request(h.baseUrl)[r.method](r.path).set('Authorization', `Bearer ${h.tokens.viewer}`).expect(403);
      await request(h.baseUrl)[r.method](r.path).set('Authorization', `Bearer ${h.tokens.operator}`).expect(200);
      await request(h.baseUrl)[r.method](r.path).set('Authorization', `Bearer ${h.tokens.admin}`).expect(200);
    },
  );

  it.each(ROUTES.filter((r) => r.minRole === 'viewer').map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: 200 for a viewer',
    async (_n, r) => {
      await request(h.baseUrl)[r.method](r.path).set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    },
  );

  it.each([
    ['/api/sensors/S-1/readings', { limit: '0' }, 'limit'],
    ['/api/sensors/S-1/readings', { limit: '10001' }, 'limit'],
    ['/api/sensors/S-1/readings', { limit: 'ten' }, 'limit'],
    ['/api/sensors/S-1/readings', { source: 'mongodb' }, 'source'],
    ['/api/sensors/S-1/readings', { from: 'yesterday' }, 'from'],
    ['/api/sensors/S-1/readings', { to: '2026-13-01T00:00:00Z' }, 'to'],
    ['/api/sensors/S-1/readings', { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'from'],
    ['/api/sensors/S-1/readings', { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'from'],
    ['/api/sensors/S-1/readings', { colour: 'red' }, 'colour'],
    ['/api/sensors/S-1/aggregates', { interval: 'week' }, 'interval'],
    ['/api/sensors/S-1/aggregates', { interval: 'hour', from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    ['/api/meters/M-1/readings', { limit: '-5' }, 'limit'],
    ['/api/customers/C-1/consumption', { interval: 'year' }, 'interval'],
    ['/api/customers/C-1/consumption', { interval: 'day', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    [`/api/customers/${'C'.repeat(129)}/consumption`, {}, 'id'],
  ] as const)('GET %s %j: 400 naming %s', async (path, query, field) => {
    const res = await request(h.baseUrl).get(path).query(query).set('Authorization', `Bearer ${h.tokens.viewer}`).expect(400);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('bounds reconcile to 7 days (400 naming from)', async () => {
    const res = await request(h.baseUrl)
      .get('/api/storage/reconcile')
      .query({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })
      .set('Authorization', `Bearer ${h.tokens.operator}`)
      .expect(400);
    expect(res.body.fields[0].field).toBe('from');
  });

  it('reports a replay and a reconcile', async () => {
    const replay = await request(h.baseUrl).post('/api/storage/replay').set('Authorization', `Bearer ${h.tokens.operator}`).expect(200);
    expect(replay.body).toHaveProperty('targets');
    const rec = await request(h.baseUrl).get('/api/storage/reconcile').set('Authorization', `Bearer ${h.tokens.operator}`).expect(200);
    expect(rec.body.totals.outOfSync).toBe(0);
  });

  it('documents every route in OpenAPI at /docs', async () => {
    await request(h.baseUrl).get('/docs').expect(200);
    const doc = await request(h.baseUrl).get('/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/api/sensors/{id}/readings',
      '/api/sensors/{id}/aggregates',
      '/api/meters/{id}/readings',
      '/api/customers/{id}/consumption',
      '/api/storage/status',
      '/api/storage/replay',
      '/api/storage/reconcile',
    ]) {
      expect(paths).toContain(p);
    }
    const params = doc.body.paths['/api/sensors/{id}/readings'].get.parameters.map((x: { name: string }) => x.name);
    expect(params).toEqual(expect.arrayContaining(['id', 'from', 'to', 'source', 'limit']));
  });
});
