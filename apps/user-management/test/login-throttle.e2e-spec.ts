import { httpFrom, PlainResponse } from '@smartgrid/testing';
import { ADMIN, Harness, startHarness } from './support/user-management.harness';

const ADDRESS = /^(::ffff:)?127\.0\.0\.\d+$/;
const statusCounts = (rs: PlainResponse[]) => rs.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

/**
 * The attacks of issue 14 on the real app: clients are real loopback addresses (127.0.0.x),
 * so each is its own socket peer. Per (username, client): 3 free attempts, then waits of 1, 2,
 * 4 … s; per client: 8 failures (any usernames) lock it; per username: 6 failures (any
 * clients) guard it, so only clients that have not failed for it may try.
 */
describe('login throttling without lock-out (real servers, several client addresses)', () => {
  let h: Harness;
  let base: string;
  const from = (address: string) => httpFrom(address, base);
  const login = (address: string, username: string, password: string, headers?: Record<string, string>) =>
    from(address).post('/api/auth/login', { username, password }, headers);

  beforeAll(async () => {
    h = await startHarness({ LOGIN_MAX_FAILURES_PER_USER: '6', LOGIN_MAX_FAILURES_PER_CLIENT: '8', LOGIN_LOCK_SECONDS: '3' });
    const address = h.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('50 wrong passwords for admin from one address: that address waits, admin signs in from another (200)', async () => {
    const attack: PlainResponse[] = [];
    for (let i = 0; i < 50; i++) attack.push(await login('127.0.0.2', ADMIN.username, `Wrong-password-${i}`));
    const counts = statusCounts(attack);
    // A few real guesses, then waits: the password is not even checked while the client waits.
    expect(counts[401]).toBeGreaterThanOrEqual(4);
    expect(counts[401]).toBeLessThanOrEqual(8);
    expect(counts[429]).toBe(50 - counts[401]);
    for (const r of attack.filter((a) => a.status === 429)) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The attacker's address cannot use the right password either while it waits...
    expect((await login('127.0.0.2', ADMIN.username, ADMIN.password)).status).toBe(429);
    // ...but the admin, elsewhere, is not locked out.
    const ok = await login('127.0.0.3', ADMIN.username, ADMIN.password);
    expect(ok.status).toBe(200);
    expect((ok.body as { user: { username: string } }).user.username).toBe(ADMIN.username);
  });

  it('a username attacked from several addresses is guarded: failing clients wait, a clean client signs in', async () => {
    const victim = await h.userWithRole('operator', 'guarded.victim');
    for (const address of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      for (let i = 0; i < 2; i++) expect((await login(address, victim.username, `Wrong-password-${i}`)).status).toBe(401);
    }
    // 6 failures: guarded. Clients that failed are refused even with the right password.
    const refused = await login('127.0.0.4', victim.username, victim.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await login('127.0.0.7', victim.username, victim.password)).status).toBe(200);
    // A clean client may still make a (wrong) attempt; after that it waits like the others.
    expect((await login('127.0.0.8', victim.username, 'Wrong-password-x')).status).toBe(401);
    expect((await login('127.0.0.8', victim.username, victim.password)).status).toBe(429);

    const admin = await h.adminToken();
    const log = await h
      .http()
      .get(`/api/audit-logs?action=auth.login_failed&resource=username:${victim.username}&source=postgres&limit=50`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const throttled = (log.body.items as { clientAddress: string; details: { reason: string; throttledBy?: string } }[]).filter((e) => e.details.reason === 'throttled');
    expect(throttled.map((e) => e.details.throttledBy).sort()).toEqual(['username', 'username']);
    for (const e of throttled) expect(e.clientAddress).toMatch(ADDRESS);
  });

  it('locks a client guessing across many usernames, then recovers with a clean slate', async () => {
    for (let i = 0; i < 8; i++) expect((await login('127.0.0.9', `guess.${i}`, 'Some-password-1')).status).toBe(401);
    // The client is locked: even a correct login from it is refused until the lock runs out.
    const locked = await login('127.0.0.9', ADMIN.username, ADMIN.password);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect((await login('127.0.0.10', ADMIN.username, ADMIN.password)).status).toBe(200);
    // Retry-After is the server's own promise of when the lock is over: keep it, no sooner.
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await login('127.0.0.9', ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('20 attempts sent at once from one address get no more guesses than one after another', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => login('127.0.0.12', 'burst.target', `Wrong-password-${i}`)));
    // The (username, client) counter is taken under a row lock: 3 free attempts and the 4th
    // (which starts the first wait) are all that pass.
    expect(statusCounts(burst)).toEqual({ 401: 4, 429: 16 });
  });

  it('ignores X-Forwarded-For by default: a client cannot pose as other addresses', async () => {
    const rs: PlainResponse[] = [];
    for (let i = 0; i < 6; i++) rs.push(await login('127.0.0.11', 'xff.target', 'Wrong-password-1', { 'X-Forwarded-For': `198.51.100.${i + 1}` }));
    expect(rs.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    const admin = await h.adminToken();
    const log = await h.http().get('/api/audit-logs?resource=username:xff.target&source=postgres').set('Authorization', `Bearer ${admin}`).expect(200);
    for (const e of log.body.items as { clientAddress: string }[]) expect(e.clientAddress).toMatch(/127\.0\.0\.11$/);
  });

  it('counts throttled attempts in the login metrics', async () => {
    const metrics = await h.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="throttled"\} [1-9]/);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="invalid_credentials"\} [1-9]/);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="success"\} [1-9]/);
  });

  describe('behind a reverse proxy (TRUST_PROXY=loopback)', () => {
    let proxied: Harness;
    beforeAll(async () => {
      proxied = await startHarness({ TRUST_PROXY: 'loopback' });
    });
    afterAll(async () => {
      await proxied?.close();
    });

    it('keys on the client address the proxy reports', async () => {
      const port = (proxied.app.getHttpServer().address() as { port: number }).port;
      const viaProxy = (client: string, password: string) =>
        httpFrom('127.0.0.1', `http://127.0.0.1:${port}`).post('/api/auth/login', { username: ADMIN.username, password }, { 'X-Forwarded-For': client });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await viaProxy('203.0.113.50', `Wrong-password-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      // Another client behind the same proxy is another address.
      expect((await viaProxy('203.0.113.51', ADMIN.password)).status).toBe(200);
      const admin = await proxied.adminToken();
      const log = await proxied.http().get('/api/audit-logs?action=auth.login_failed&source=postgres').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(new Set((log.body.items as { clientAddress: string }[]).map((e) => e.clientAddress))).toEqual(new Set(['203.0.113.50']));
    });
  });
});
