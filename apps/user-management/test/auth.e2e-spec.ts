import { JwtService } from '@nestjs/jwt';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@smartgrid/auth';
import { Harness, startHarness } from './support/user-management.harness';

type RoleName = 'viewer' | 'operator' | 'admin';
type Caller = { token: string; role: RoleName };

interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Built per call, so a DELETE gets a fresh victim. */
  path: () => Promise<string>;
  body?: () => object;
  min: RoleName;
  ok: number;
}

const ORDER: RoleName[] = ['viewer', 'operator', 'admin'];

describe('authentication and roles (real servers)', () => {
  let h: Harness;
  const callers = {} as Record<RoleName, Caller & { id: string }>;
  let expired: string;
  let forged: string;
  let n = 0;

  beforeAll(async () => {
    h = await startHarness({ LOGIN_MAX_FAILURES_PER_USER: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '1000', LOGIN_LOCK_SECONDS: '2' });
    for (const role of ORDER) {
      const u = await h.userWithRole(role);
      callers[role] = { token: u.token, role, id: u.id };
    }
    const sub = callers.admin.id;
    // Right key, right claims, expired a minute ago.
    expired = await new JwtService({ secret: h.stack.env.JWT_SECRET }).signAsync(
      { username: 'x', role: 'admin', exp: Math.floor(Date.now() / 1000) - 60 },
      { subject: sub, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
    );
    // Valid shape and lifetime, signed with another key.
    forged = await new JwtService({ secret: 'not-the-real-secret-but-long-enough-0000' }).signAsync(
      { username: 'x', role: 'admin' },
      { subject: sub, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn: 300 },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  const victim = async () => (await h.userWithRole('viewer')).id;
  const routes: Record<string, Route> = {
    'GET /api/auth/me': { method: 'get', path: async () => '/api/auth/me', min: 'viewer', ok: 200 },
    'GET /api/users': { method: 'get', path: async () => '/api/users', min: 'operator', ok: 200 },
    'POST /api/users': {
      method: 'post',
      path: async () => '/api/users',
      body: () => ({ username: `matrix.${++n}`, password: `Matrix-pass-${n}-ok!`, role: 'viewer' }),
      min: 'admin',
      ok: 201,
    },
    'GET /api/users/:id': { method: 'get', path: async () => `/api/users/${callers.viewer.id}`, min: 'operator', ok: 200 },
    'PATCH /api/users/:id': { method: 'patch', path: async () => `/api/users/${await victim()}`, body: () => ({ role: 'operator' }), min: 'admin', ok: 200 },
    'DELETE /api/users/:id': { method: 'delete', path: async () => `/api/users/${await victim()}`, min: 'admin', ok: 204 },
    'GET /api/audit-logs': { method: 'get', path: async () => '/api/audit-logs', min: 'operator', ok: 200 },
    'GET /api/audit-logs/verify': { method: 'get', path: async () => '/api/audit-logs/verify', min: 'admin', ok: 200 },
  };

  const call = async (r: Route, token?: string) => {
    let req = h.http()[r.method](await r.path());
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return r.body ? req.send(r.body()) : req;
  };

  describe.each(Object.entries(routes))('%s', (_name, route) => {
    it('401 without a token', async () => {
      const res = await call(route);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('401 with an expired token', async () => {
      expect((await call(route, expired)).status).toBe(401);
    });

    it('401 with a forged token', async () => {
      expect((await call(route, forged)).status).toBe(401);
    });

    it('403 for every role below the least one', async () => {
      const below = ORDER.slice(0, ORDER.indexOf(route.min));
      for (const role of below) expect({ role, status: (await call(route, callers[role].token)).status }).toEqual({ role, status: 403 });
    });

    it('2xx for the least role and every role above it', async () => {
      for (const role of ORDER.slice(ORDER.indexOf(route.min))) {
        expect({ role, status: (await call(route, callers[role].token)).status }).toEqual({ role, status: route.ok });
      }
    });
  });

  it('leaves login, health, metrics and the API docs open', async () => {
    await h.http().get('/health/live').expect(200);
    await h.http().get('/health/ready').expect(200);
    await h.http().get('/metrics').expect(200);
    await h.http().get('/docs-json').expect(200);
    await h.http().get('/docs').redirects(1).expect(200);
  });

  it('issues a short-lived bearer token on login', async () => {
    const res = await h.http().post('/api/auth/login').send({ username: 'ROOT.ADMIN', password: 'Bootstrap-Admin-2026!' }).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'root.admin', role: 'admin' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('applies role changes, disabling and deletion to tokens already issued', async () => {
    const u = await h.userWithRole('operator');
    const admin = await h.adminToken();
    await h.http().get('/api/users').set('Authorization', `Bearer ${u.token}`).expect(200);
    await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ role: 'viewer' }).expect(200);
    // A role change voids the tokens issued before it; a new login carries the new role.
    await h.http().get('/api/auth/me').set('Authorization', `Bearer ${u.token}`).expect(401);
    const demoted = await h.login(u.username, u.password);
    await h.http().get('/api/users').set('Authorization', `Bearer ${demoted}`).expect(403);
    await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    await h.http().get('/api/auth/me').set('Authorization', `Bearer ${demoted}`).expect(401);
    await h.http().delete(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).expect(204);
    await h.http().get('/api/auth/me').set('Authorization', `Bearer ${demoted}`).expect(401);
  });

  describe('login', () => {
    it('refuses a disabled user, even with the right password, and accepts them once enabled', async () => {
      const u = await h.userWithRole('viewer');
      const admin = await h.adminToken();
      await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
      const refused = await h.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(403);
      expect(refused.body.message).toMatch(/disabled/);
      // A wrong password for a disabled account says nothing about the account.
      await h.http().post('/api/auth/login').send({ username: u.username, password: 'Wrong-password-123' }).expect(401);
      await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: false }).expect(200);
      await h.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    });

    it('gives the same answer for an unknown user and a wrong password', async () => {
      const a = await h.http().post('/api/auth/login').send({ username: 'nobody.here', password: 'Whatever-pass-1' }).expect(401);
      const u = await h.userWithRole('viewer');
      const b = await h.http().post('/api/auth/login').send({ username: u.username, password: 'Whatever-pass-1' }).expect(401);
      expect(a.body.message).toBe(b.body.message);
    });

    it('throttles a username after repeated failures, then recovers when the lock runs out', async () => {
      const u = await h.userWithRole('viewer');
      for (let i = 0; i < 3; i++) {
        await h.http().post('/api/auth/login').send({ username: u.username, password: `Wrong-password-${i}` }).expect(401);
      }
      // Locked: even the right password is refused, with a Retry-After.
      const locked = await h.http().post('/api/auth/login').send({ username: u.username.toUpperCase(), password: u.password }).expect(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(locked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      // Other users from the same client are not affected by a per-user lock.
      await h.login(ADMIN_NAME, ADMIN_PASSWORD);
      // Retry-After is the server's own promise of when the lock is over: keep it, no sooner.
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      await h.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    });

    it('records logins and failed logins in the audit log', async () => {
      const admin = await h.adminToken();
      const ok = await h.http().get('/api/audit-logs?action=auth.login&source=postgres').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(ok.body.items.length).toBeGreaterThan(0);
      const failed = await h.http().get('/api/audit-logs?action=auth.login_failed&source=postgres&limit=500').set('Authorization', `Bearer ${admin}`).expect(200);
      const reasons = new Set((failed.body.items as { details: { reason: string } }[]).map((e) => e.details.reason));
      expect([...reasons].sort()).toEqual(['account_disabled', 'throttled', 'unknown_user', 'wrong_password']);
      expect(failed.body.items[0]).toMatchObject({ clientAddress: expect.any(String), requestId: expect.any(String) });
    });
  });
});

const ADMIN_NAME = 'root.admin';
const ADMIN_PASSWORD = 'Bootstrap-Admin-2026!';
