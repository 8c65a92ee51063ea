import { UsersService } from '../src/users/users.service';
import { ADMIN, Harness, startHarness } from './support/user-management.harness';

describe('users and roles (real servers)', () => {
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness();
    admin = await h.adminToken();
  });
  afterAll(async () => {
    await h?.close();
  });

  const as = (token: string) => ({
    get: (p: string) => h.http().get(p).set('Authorization', `Bearer ${token}`),
    post: (p: string, body?: object | string) => {
      const r = h.http().post(p).set('Authorization', `Bearer ${token}`);
      return typeof body === 'string' ? r.set('Content-Type', 'application/json').send(body) : r.send(body);
    },
    patch: (p: string, body: object | string) => {
      const r = h.http().patch(p).set('Authorization', `Bearer ${token}`);
      return typeof body === 'string' ? r.set('Content-Type', 'application/json').send(body) : r.send(body);
    },
    delete: (p: string) => h.http().delete(p).set('Authorization', `Bearer ${token}`),
  });
  const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();

  describe('first admin', () => {
    it('is created from ADMIN_USERNAME/ADMIN_PASSWORD on the empty database, once, and audited', async () => {
      const list = await as(admin).get('/api/users').expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ username: ADMIN.username, role: 'admin', disabled: false })]);
      const { rows } = await h.pg.query(`SELECT actor, action, origin, details FROM audit_log WHERE seq = 1`);
      expect(rows[0]).toMatchObject({ actor: 'system', action: 'user.created', origin: 'system', details: { firstAdmin: true, role: 'admin' } });
      const hash = (await h.pg.query('SELECT password_hash FROM users')).rows[0].password_hash as string;
      expect(hash).toMatch(/^scrypt\$15\$8\$1\$/);
      // Seeding again (a restart, a second instance) does nothing once a user exists.
      expect(await h.app.get(UsersService).createFirstAdmin('another.admin', 'Another-Admin-2026!')).toBeNull();
      expect((await h.pg.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
    });
  });

  describe('lifecycle', () => {
    let id: string;

    it('creates a user (no password in the answer) and audits it', async () => {
      const res = await as(admin).post('/api/users', { username: 'Grid.Operator', password: 'Feeder-Line-42-ok', role: 'operator' }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), username: 'Grid.Operator', role: 'operator', disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
      id = res.body.id;
      const log = await as(admin).get(`/api/audit-logs?resource=user:${id}&source=postgres`).expect(200);
      expect(log.body.items[0]).toMatchObject({ actor: ADMIN.username, action: 'user.created', origin: 'api', details: { username: 'Grid.Operator', role: 'operator' } });
    });

    it('keeps usernames unique regardless of case', async () => {
      const res = await as(admin).post('/api/users', { username: 'grid.OPERATOR', password: 'Another-pass-77', role: 'viewer' }).expect(409);
      expect(res.body.message).toMatch(/already taken/);
    });

    it('lists and reads users', async () => {
      const one = await as(admin).get(`/api/users/${id}`).expect(200);
      expect(one.body.username).toBe('Grid.Operator');
      const page = await as(admin).get('/api/users?limit=1').expect(200);
      expect(page.body.items).toHaveLength(1);
      const next = await as(admin).get(`/api/users?limit=1&cursor=${page.body.nextCursor}`).expect(200);
      expect(next.body.items[0].username).not.toBe(page.body.items[0].username);
      await as(admin).get('/api/users/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('changes the role with a field-level diff in the audit log', async () => {
      await as(admin).patch(`/api/users/${id}`, { role: 'admin' }).expect(200);
      const log = await as(admin).get(`/api/audit-logs?action=user.role_changed&resource=user:${id}&source=postgres`).expect(200);
      expect(log.body.items[0].details).toMatchObject({ changes: { role: { from: 'operator', to: 'admin' } } });
    });

    it('changes the password (audited without the password) and the new one works', async () => {
      await as(admin).patch(`/api/users/${id}`, { password: 'Brand-New-Secret-9' }).expect(200);
      await h.login('grid.operator', 'Brand-New-Secret-9');
      const log = await as(admin).get(`/api/audit-logs?action=user.password_changed&resource=user:${id}&source=postgres`).expect(200);
      expect(JSON.stringify(log.body.items[0])).not.toContain('Brand-New-Secret-9');
    });

    it('disables and enables', async () => {
      const off = await as(admin).patch(`/api/users/${id}`, { disabled: true }).expect(200);
      expect(off.body.disabled).toBe(true);
      await as(admin).patch(`/api/users/${id}`, { disabled: false }).expect(200);
      const actions = (await as(admin).get(`/api/audit-logs?resource=user:${id}&source=postgres`).expect(200)).body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['user.disabled', 'user.enabled']));
    });

    it('never leaves the system without an enabled admin', async () => {
      const me = (await as(admin).get('/api/auth/me').expect(200)).body.userId as string;
      await as(admin).delete(`/api/users/${id}`).expect(204); // the other admin goes
      await as(admin).patch(`/api/users/${me}`, { role: 'operator' }).expect(409);
      await as(admin).patch(`/api/users/${me}`, { disabled: true }).expect(409);
      await as(admin).delete(`/api/users/${me}`).expect(409);
      await as(admin).get(`/api/users/${id}`).expect(404);
      const log = await as(admin).get(`/api/audit-logs?action=user.deleted&resource=user:${id}&source=postgres`).expect(200);
      expect(log.body.items).toHaveLength(1);
    });
  });

  describe('bad input: 400 naming the field', () => {
    it('malformed JSON', async () => {
      const res = await as(admin).post('/api/users', '{"username": "x", ').expect(400);
      expect(fieldsOf(res.body)).toEqual(['body']);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('wrong types', async () => {
      const res = await as(admin).post('/api/users', { username: 42, password: ['x'], role: 'root', disabled: 'yes' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['disabled', 'password', 'role', 'username']);
    });

    it('missing fields', async () => {
      const res = await as(admin).post('/api/users', {}).expect(400);
      expect(fieldsOf(res.body)).toEqual(['password', 'role', 'username']);
    });

    it('oversized fields', async () => {
      const res = await as(admin).post('/api/users', { username: 'u'.repeat(65), password: 'p1'.repeat(200), role: 'viewer' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['password', 'username']);
      const login = await h.http().post('/api/auth/login').send({ username: 'x'.repeat(1000), password: 'y' }).expect(400);
      expect(fieldsOf(login.body)).toEqual(['username']);
    });

    it('unknown properties', async () => {
      const res = await as(admin).post('/api/users', { username: 'valid.name', password: 'Feeder-Line-42-ok', role: 'viewer', isAdmin: true }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['isAdmin']);
    });

    it('password rules', async () => {
      const res = await as(admin).post('/api/users', { username: 'weak.user', password: 'short1', role: 'viewer' }).expect(400);
      expect(fieldsOf(res.body)).toContain('password');
      expect(res.body.fields[0].message).toMatch(/at least 12/);
      const named = await as(admin).post('/api/users', { username: 'weak.user', password: 'weak.user-2026!', role: 'viewer' }).expect(400);
      expect(named.body.fields[0].message).toMatch(/username/);
    });

    it('a bad id, an empty patch, bad query parameters', async () => {
      expect(fieldsOf((await as(admin).get('/api/users/not-a-uuid').expect(400)).body)).toEqual(['id']);
      const me = (await as(admin).get('/api/auth/me').expect(200)).body.userId as string;
      expect(fieldsOf((await as(admin).patch(`/api/users/${me}`, {}).expect(400)).body)).toEqual(['body']);
      expect(fieldsOf((await as(admin).patch(`/api/users/${me}`, '[1,2').expect(400)).body)).toEqual(['body']);
      expect(fieldsOf((await as(admin).get('/api/users?limit=5000').expect(400)).body)).toEqual(['limit']);
      expect(fieldsOf((await as(admin).get('/api/audit-logs?from=yesterday&limit=abc').expect(400)).body)).toEqual(['from', 'limit']);
      expect(fieldsOf((await as(admin).get('/api/audit-logs?metaPath=a.$where&metaValue=1').expect(400)).body)).toEqual(['metaPath']);
      expect(fieldsOf((await as(admin).get('/api/audit-logs?metaPath=a').expect(400)).body)).toEqual(['metaValue']);
      expect(fieldsOf((await as(admin).get('/api/audit-logs?actor=' + 'a'.repeat(300)).expect(400)).body)).toEqual(['actor']);
    });
  });
});
