import { INestApplication } from '@nestjs/common';
import { adminClient, APP_ROLES, appRoleEnv, setupTestStack, TestStack } from '@smartgrid/testing';
import { Client } from 'pg';
import request from 'supertest';
import * as dataProcessing from '../../apps/data-processing/src/data-processing.app';
import * as userManagement from '../../apps/user-management/src/user-management.app';

const ADMIN = { username: 'roles.admin', password: 'Roles-Admin-Pass-2026!' };

/** The SQLSTATE a statement fails with (null when it succeeds). */
async function sqlState(c: Client, sql: string): Promise<string | null> {
  try {
    await c.query(sql);
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? 'unknown';
  }
}

/** Every statement is refused for want of privilege (42501); the failure lists each one's SQLSTATE. */
async function expectAllRefused(c: Client, statements: string[]): Promise<void> {
  const attempts: Record<string, string | null> = {};
  for (const sql of statements) attempts[sql] = await sqlState(c, sql);
  expect(attempts).toEqual(Object.fromEntries(statements.map((sql) => [sql, '42501'])));
}

/**
 * Least privilege in PostgreSQL, on the real server: both apps run as their own roles (the
 * migrations as the owner role), and a compromised app cannot rewrite the audit chain or read
 * what belongs to the other app. 42501 is insufficient_privilege ("permission denied", "must be
 * owner").
 */
describe('PostgreSQL roles (real server)', () => {
  let stack: TestStack;
  let um: INestApplication;
  let dp: INestApplication;
  let umBase: string;
  let dpBase: string;
  let asUm: Client;
  let asDp: Client;
  let admin: Client;

  beforeAll(async () => {
    stack = await setupTestStack({ ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    um = await userManagement.createApp({ env: { ...stack.env, ...appRoleEnv('user-management') }, logger: ['error'] });
    umBase = `http://127.0.0.1:${await userManagement.startApp(um, 0)}`;
    dp = await dataProcessing.createApp({ env: { ...stack.env, ...appRoleEnv('data-processing'), INGEST_ENABLED: 'false' }, logger: ['error'] });
    dpBase = `http://127.0.0.1:${await dataProcessing.startApp(dp, 0)}`;
    const connect = async (role: 'user-management' | 'data-processing') => {
      const env = appRoleEnv(role);
      const c = new Client({ host: stack.env.POSTGRES_HOST, port: Number(stack.env.POSTGRES_PORT), database: stack.env.POSTGRES_DB, user: env.POSTGRES_USER, password: env.POSTGRES_PASSWORD });
      await c.connect();
      return c;
    };
    asUm = await connect('user-management');
    asDp = await connect('data-processing');
    admin = adminClient(stack.env.POSTGRES_DB);
    await admin.connect();
  });

  afterAll(async () => {
    for (const c of [asUm, asDp, admin]) await c?.end().catch(() => undefined);
    await dp?.close();
    await um?.close();
    await stack?.cleanup();
  });

  it('both apps work under their roles: audited user changes, verification, readings', async () => {
    const token = (await request(umBase).post('/api/auth/login').send(ADMIN).expect(200)).body.accessToken as string;
    const auth = { Authorization: `Bearer ${token}` };
    const created = await request(umBase).post('/api/users').set(auth).send({ username: 'roles.viewer', password: 'Viewer-Pass-2026!', role: 'viewer' }).expect(201);
    await request(umBase).patch(`/api/users/${created.body.id}`).set(auth).send({ role: 'operator' }).expect(200);
    const report = await request(umBase).get('/api/audit-logs/verify').set(auth).expect(200);
    expect(report.body).toMatchObject({ valid: true });
    expect(report.body.entries).toBeGreaterThanOrEqual(4);
    await request(dpBase).get('/api/storage/status').set(auth).expect(200);
    await request(dpBase).get('/api/sensors/S-ROLES/readings').query({ source: 'postgres' }).set(auth).expect(200);
  });

  it('the tables belong to the owner role, not to an app', async () => {
    const owners = await admin.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'`);
    expect(owners.rows.map((r: { tableowner: string }) => r.tableowner)).toEqual([APP_ROLES.owner]);
  });

  it("user-management's role cannot disable a trigger, change, delete or truncate audit entries, or move the chain head", async () => {
    expect(await sqlState(asUm, 'SELECT count(*) FROM audit_log')).toBeNull();
    await expectAllRefused(asUm, [
      'ALTER TABLE audit_log DISABLE TRIGGER USER',
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete',
      "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
      'DELETE FROM audit_log WHERE seq = 1',
      'TRUNCATE audit_log',
      'UPDATE audit_chain_head SET last_seq = last_seq + 1',
      'SET session_replication_role = replica',
      'DROP TABLE audit_log',
      'CREATE TABLE audit_log_copy (seq bigint)',
    ]);
  });

  it("user-management's role cannot shadow the chain head with a temporary table to append a forged entry", async () => {
    await asUm.query('BEGIN');
    try {
      await asUm.query('CREATE TEMP TABLE audit_chain_head (singleton boolean, last_seq bigint, last_hash text) ON COMMIT DROP');
      await asUm.query(`INSERT INTO pg_temp.audit_chain_head VALUES (true, 999, repeat('a', 64))`);
      const forged = await sqlState(
        asUm,
        `INSERT INTO audit_log (seq, id, occurred_at, recorded_at, actor, action, resource, origin, details, prev_hash, hash)
         VALUES (1000, gen_random_uuid(), now(), now(), 'mallory', 'x', 'y', 'api', '{}', repeat('a', 64), repeat('b', 64))`,
      );
      // The link trigger reads the real head (search_path public, pg_temp): integrity_constraint_violation.
      expect(forged).toBe('23000');
    } finally {
      await asUm.query('ROLLBACK');
    }
  });

  it("data-processing's role cannot read password hashes, the throttle or the audit log, nor append to it", async () => {
    await expectAllRefused(asDp, [
      'SELECT password_hash FROM users',
      'SELECT count(*) FROM login_throttle',
      'SELECT count(*) FROM audit_log',
      'SELECT * FROM audit_chain_head_for_append()',
      "UPDATE users SET role = 'admin'",
    ]);
    // Its own tables it can use; what it cannot do is alter them.
    expect(await sqlState(asDp, 'SELECT count(*) FROM sensor_data')).toBeNull();
    expect(await sqlState(asDp, 'TRUNCATE sensor_data')).toBe('42501');
    expect(await sqlState(asDp, 'ALTER TABLE sensor_data DISABLE TRIGGER USER')).toBe('42501');
  });

  it('the audit chain still verifies after every refused attempt', async () => {
    const token = (await request(umBase).post('/api/auth/login').send(ADMIN).expect(200)).body.accessToken as string;
    const report = await request(umBase).get('/api/audit-logs/verify').set('Authorization', `Bearer ${token}`).expect(200);
    expect(report.body).toMatchObject({ valid: true, firstBroken: null });
  });
});
