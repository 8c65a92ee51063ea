import { ADMIN, Harness, startHarness } from './support/user-management.harness';

describe('login throttling per client address (real servers)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ LOGIN_MAX_FAILURES_PER_USER: '100', LOGIN_MAX_FAILURES_PER_CLIENT: '6', LOGIN_LOCK_SECONDS: '2' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const attempt = (username: string, password: string) => h.http().post('/api/auth/login').send({ username, password });

  it('locks a client guessing across many usernames, then recovers with a clean slate', async () => {
    for (let i = 0; i < 6; i++) expect((await attempt(`guess.${i}`, 'Some-password-1')).status).toBe(401);
    // The client is locked: even a correct login from it is refused until the lock runs out.
    const locked = await attempt(ADMIN.username, ADMIN.password);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Retry-After is the server's own promise of when the lock is over: keep it, no sooner.
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await attempt(ADMIN.username, ADMIN.password)).status).toBe(200);
    // A served lock resets the count: one more mistake is a plain 401, not an instant relock.
    expect((await attempt('guess.again', 'Some-password-1')).status).toBe(401);
    expect((await attempt(ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('counts throttled attempts in the login metrics', async () => {
    const metrics = await h.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="throttled"\} [1-9]/);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="invalid_credentials"\} [1-9]/);
    expect(metrics.text).toMatch(/smartgrid_login_attempts_total\{outcome="success"\} [1-9]/);
  });
});
