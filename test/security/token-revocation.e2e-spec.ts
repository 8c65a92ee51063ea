import { appRoleEnv, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import * as dataProcessing from '../../apps/data-processing/src/data-processing.app';
import * as userManagement from '../../apps/user-management/src/user-management.app';
import { AppsOnStack } from './support/apps-on-stack';

const ADMIN = { username: 'revoke.admin', password: 'Revoke-Admin-Pass-2026!' };
/** "Within seconds": how long data-processing may take to learn a revocation. */
const PROPAGATION_MS = 15_000;

/**
 * Revocable tokens across both apps on the real servers: user-management publishes each
 * revocation on Kafka `token-revocations`, every data-processing instance applies it within
 * moments, and a data-processing started later knows it from the start.
 */
describe('token revocation across both apps (real servers)', () => {
  let apps: AppsOnStack;
  let um: string;
  let dp: string;
  let adminToken: string;

  const bootDp = async () => (await apps.start(dataProcessing, { ...appRoleEnv('data-processing'), INGEST_ENABLED: 'false' })).base;
  const login = async (username: string, password: string): Promise<string> =>
    (await request(um).post('/api/auth/login').send({ username, password }).expect(200)).body.accessToken as string;
  const dpStatus = (base: string, token: string) => request(base).get('/api/storage/status').set('Authorization', `Bearer ${token}`);
  const patch = (id: string, body: object) => request(um).patch(`/api/users/${id}`).set('Authorization', `Bearer ${adminToken}`).send(body).expect(200);
  /** Waits until data-processing refuses the token as revoked (401). */
  const refusedByDp = (token: string, base = dp) =>
    waitFor(async () => (await dpStatus(base, token)).status === 401, PROPAGATION_MS, 100, 'data-processing refuses the revoked token');

  let user: { id: string; username: string; password: string };

  beforeAll(async () => {
    apps = await AppsOnStack.setUp({ ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    um = (await apps.start(userManagement, appRoleEnv('user-management'))).base;
    dp = await bootDp();
    adminToken = await login(ADMIN.username, ADMIN.password);
    const password = 'Grid-Operator-Pass-2026!';
    const created = await request(um).post('/api/users').set('Authorization', `Bearer ${adminToken}`).send({ username: 'revoke.operator', password, role: 'operator' }).expect(201);
    user = { id: created.body.id as string, username: 'revoke.operator', password };
  });

  afterAll(() => apps?.close());

  it('a role change voids the old token in both apps; the new token carries the new role', async () => {
    const before = await login(user.username, user.password);
    await dpStatus(dp, before).expect(200);
    await request(dp).post('/api/storage/replay').set('Authorization', `Bearer ${before}`).expect((r) => expect(r.status).not.toBe(403));
    await patch(user.id, { role: 'viewer' });
    // user-management re-reads the account: at once.
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${before}`).expect(401);
    await refusedByDp(before);
    const after = await login(user.username, user.password);
    await dpStatus(dp, after).expect(200);
    await request(dp).post('/api/storage/replay').set('Authorization', `Bearer ${after}`).expect(403);
  });

  it('disabling a user voids its token in both apps; it cannot log in', async () => {
    const token = await login(user.username, user.password);
    await dpStatus(dp, token).expect(200);
    await patch(user.id, { disabled: true });
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    await refusedByDp(token);
    await request(um).post('/api/auth/login').send({ username: user.username, password: user.password }).expect(403);
    await patch(user.id, { disabled: false });
  });

  it('a password change voids the tokens issued before it', async () => {
    const token = await login(user.username, user.password);
    await dpStatus(dp, token).expect(200);
    user.password = 'Changed-Pass-2026-second!';
    await patch(user.id, { password: user.password });
    await refusedByDp(token);
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    await dpStatus(dp, await login(user.username, user.password)).expect(200);
  });

  it('logout voids that token only; logout of all sessions voids the rest', async () => {
    const first = await login(user.username, user.password);
    const second = await login(user.username, user.password);
    await dpStatus(dp, first).expect(200);
    await request(um).post('/api/auth/logout').set('Authorization', `Bearer ${first}`).send({}).expect(204);
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${first}`).expect(401);
    await refusedByDp(first);
    await dpStatus(dp, second).expect(200);
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${second}`).expect(200);

    await request(um).post('/api/auth/logout').set('Authorization', `Bearer ${second}`).send({ allSessions: true }).expect(204);
    await refusedByDp(second);
    await request(um).get('/api/auth/me').set('Authorization', `Bearer ${second}`).expect(401);
  });

  it('a data-processing instance started after the revocations refuses those tokens from its first request', async () => {
    const revoked = await login(user.username, user.password);
    await request(um).post('/api/auth/logout').set('Authorization', `Bearer ${revoked}`).send({}).expect(204);
    await refusedByDp(revoked);
    const fresh = await bootDp();
    await dpStatus(fresh, revoked).expect(401);
    await dpStatus(fresh, await login(user.username, user.password)).expect(200);
  });

  it('records every revoking action in the audit log', async () => {
    const log = await request(um).get(`/api/audit-logs?resource=user:${user.id}&source=postgres&limit=100`).set('Authorization', `Bearer ${adminToken}`).expect(200);
    const actions = (log.body.items as { action: string; actor: string }[]).map((e) => e.action);
    for (const a of ['user.role_changed', 'user.disabled', 'user.enabled', 'user.password_changed', 'auth.logout']) expect(actions).toContain(a);
    const logouts = (log.body.items as { action: string; actor: string; details: { allSessions: boolean } }[]).filter((e) => e.action === 'auth.logout');
    expect(logouts.map((e) => e.details.allSessions).sort()).toEqual([false, false, true]);
  });
});
