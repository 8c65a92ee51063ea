import { generateKeyPairSync } from 'node:crypto';
import { CheckedApi } from '@smartgrid/testing';
import { ADMIN, Harness, startHarness } from './support/user-management.harness';

const NO_SUCH_USER = '00000000-0000-4000-8000-000000000000';
/** A signing key of this run only, so that the checkpoint routes answer for real. */
const CHECKPOINT_KEY = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

/**
 * The published OpenAPI document is what a client generator gets: every body a named
 * component schema (errors included), every parameter typed; and every route's real answers
 * — success and error — match the schema published for their status.
 */
describe('user-management OpenAPI contract (real app, real answers)', () => {
  let h: Harness;
  let api: CheckedApi;
  let admin: string;

  /** One request whose answer is checked against the document (and counted for coverage). */
  const call = (...args: Parameters<CheckedApi['call']>): ReturnType<CheckedApi['call']> => api.call(...args);

  beforeAll(async () => {
    h = await startHarness({ LOGIN_MAX_FAILURES_PER_USER: '3', AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY });
    admin = await h.adminToken();
    api = await CheckedApi.of(h.http);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('names every request and response body as a component schema and types every parameter', () => {
    expect(api.contract.namingProblems()).toEqual([]);
    expect(Object.keys(api.contract.doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['ErrorResponse', 'FieldError', 'LoginDto', 'LoginResponse', 'CreateUserDto', 'UserView', 'AuditPage', 'HealthReady']),
    );
  });

  it('health, readiness and metrics answer as documented', async () => {
    expect((await call('get', '/health/live')).status).toBe(200);
    expect((await call('get', '/health/ready')).status).toBe(200);
    expect((await call('get', '/metrics')).status).toBe(200);
  });

  it('login and me: success, bad input, wrong password, disabled account, throttled, no token', async () => {
    expect((await call('post', '/api/auth/login', { body: ADMIN })).status).toBe(200);
    expect((await call('get', '/api/auth/me', { token: admin })).status).toBe(200);
    expect((await call('get', '/api/auth/me')).status).toBe(401);
    expect((await call('post', '/api/auth/login', { body: { username: ADMIN.username } })).status).toBe(400);
    const u = await h.userWithRole('viewer');
    await h.http().patch(`/api/users/${u.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    expect((await call('post', '/api/auth/login', { body: { username: u.username, password: u.password } })).status).toBe(403);
    const wrong = { username: u.username, password: 'Wrong-password-1' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('post', '/api/auth/login', { body: wrong })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('users: list, create, read, change and delete, with their errors', async () => {
    const viewer = await h.userWithRole('viewer');
    expect((await call('get', '/api/users', { token: admin, query: { limit: '2' } })).status).toBe(200);
    expect((await call('get', '/api/users', { token: admin, query: { limit: '0' } })).status).toBe(400);
    expect((await call('get', '/api/users', { token: viewer.token })).status).toBe(403);
    expect((await call('get', '/api/users')).status).toBe(401);

    const created = await call('post', '/api/users', { token: admin, body: { username: 'openapi.user', password: 'Openapi-Pass-2026!', role: 'operator' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('post', '/api/users', { token: admin, body: { username: 'OpenAPI.User', password: 'Openapi-Pass-2026!', role: 'viewer' } })).status).toBe(409);
    expect((await call('post', '/api/users', { token: admin, body: { username: '-', password: 'x', role: 'boss' } })).status).toBe(400);

    expect((await call('get', `/api/users/${id}`, { token: admin })).status).toBe(200);
    expect((await call('get', '/api/users/not-a-uuid', { token: admin })).status).toBe(400);
    expect((await call('get', `/api/users/${NO_SUCH_USER}`, { token: admin })).status).toBe(404);

    const me = (await h.http().get('/api/auth/me').set('Authorization', `Bearer ${admin}`).expect(200)).body as { userId: string };
    expect((await call('patch', `/api/users/${id}`, { token: admin, body: { role: 'viewer' } })).status).toBe(200);
    expect((await call('patch', `/api/users/${id}`, { token: admin, body: { role: 'emperor' } })).status).toBe(400);
    expect((await call('patch', `/api/users/${NO_SUCH_USER}`, { token: admin, body: { disabled: true } })).status).toBe(404);
    // The seeded admin is the only one: demoting or deleting it would leave none.
    expect((await call('patch', `/api/users/${me.userId}`, { token: admin, body: { role: 'viewer' } })).status).toBe(409);
    expect((await call('delete', `/api/users/${me.userId}`, { token: admin })).status).toBe(409);
    expect((await call('delete', `/api/users/${id}`, { token: admin })).status).toBe(204);
    expect((await call('delete', `/api/users/${id}`, { token: admin })).status).toBe(404);
  });

  it('audit log search and verification, with their errors', async () => {
    const operator = await h.userWithRole('operator');
    const page = await call('get', '/api/audit-logs', { token: operator.token, query: { limit: '20' } });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect((await call('get', '/api/audit-logs', { token: operator.token, query: { from: 'yesterday' } })).status).toBe(400);
    expect((await call('get', '/api/audit-logs', { token: (await h.userWithRole('viewer')).token })).status).toBe(403);
    expect((await call('get', '/api/audit-logs/verify', { token: admin })).status).toBe(200);
    expect((await call('get', '/api/audit-logs/verify', { token: operator.token })).status).toBe(403);
  });

  it('audit checkpoints: sign now, list, with their errors', async () => {
    const operator = await h.userWithRole('operator');
    const signed = await call('post', '/api/audit-logs/checkpoints', { token: admin });
    expect(signed.status).toBe(201);
    expect((await call('post', '/api/audit-logs/checkpoints', { token: operator.token })).status).toBe(403);
    const page = await call('get', '/api/audit-logs/checkpoints', { token: operator.token, query: { limit: '5' } });
    expect(page.status).toBe(200);
    expect(page.body.items.map((c: { seq: number }) => c.seq)).toContain(signed.body.seq);
    expect((await call('get', '/api/audit-logs/checkpoints', { token: operator.token, query: { cursor: 'abc' } })).status).toBe(400);
  });

  it('logout: revokes the token, refuses bad bodies and missing tokens', async () => {
    const viewer = await h.userWithRole('viewer');
    expect((await call('post', '/api/auth/logout', { token: viewer.token, body: { allSessions: 'yes' } })).status).toBe(400);
    expect((await call('post', '/api/auth/logout', { token: viewer.token, body: {} })).status).toBe(204);
    expect((await call('post', '/api/auth/logout')).status).toBe(401);
  });

  it('has checked a success and an error answer of every documented route', () => {
    expect(api.coverageGaps()).toEqual([]);
  });
});
