import { Harness, startHarness } from './support/user-management.harness';

describe('user-management smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('boots, seeds the admin, logs in', async () => {
    const token = await h.adminToken();
    const me = await h.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ username: 'root.admin', role: 'admin' });
    await h.http().get('/health/ready').expect(200);
    await h.http().get('/metrics').expect(200);
    await h.http().get('/docs-json').expect(200);
    const v = await h.http().get('/api/audit-logs/verify').set('Authorization', `Bearer ${token}`).expect(200);
    expect(v.body.valid).toBe(true);
  });

  it('documents every /api route with bearer auth in OpenAPI', async () => {
    const doc = (await h.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login', 'GET /api/auth/me', 'GET /api/users', 'POST /api/users', 'GET /api/users/{id}', 'PATCH /api/users/{id}',
        'DELETE /api/users/{id}', 'GET /api/audit-logs', 'GET /api/audit-logs/verify',
      ]),
    );
    expect(doc.paths['/api/users']['get'].security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/auth/login']['post'].security).toBeUndefined();
  });
});

describe('user-management with USE_MONGODB_AUDIT=false', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ USE_MONGODB_AUDIT: 'false' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the chain in PostgreSQL only and answers queries from there', async () => {
    const token = await h.adminToken();
    await h.userWithRole('viewer');
    expect(Number((await h.pg.query('SELECT count(*) AS n FROM audit_mongo_backlog')).rows[0].n)).toBe(0);
    const page = await h.http().get('/api/audit-logs').set('Authorization', `Bearer ${token}`).expect(200);
    expect(page.body.source).toBe('postgres');
    expect(page.body.items.length).toBeGreaterThanOrEqual(3);
    const report = await h.http().get('/api/audit-logs/verify').set('Authorization', `Bearer ${token}`).expect(200);
    expect(report.body).toMatchObject({ valid: true, mirror: { status: 'disabled' } });
  });
});
