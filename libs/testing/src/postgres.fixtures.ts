import { Client, ClientConfig, Pool } from 'pg';
import type { TestEnv } from './test.env';
import { uniqueName } from './test.names';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

// Snapshot for the same reason as in env.ts: in-process apps rewrite process.env.
const startupEnv: Readonly<Record<string, string | undefined>> = { ...process.env };

function adminConfig(database?: string): ClientConfig {
  return {
    host: startupEnv.POSTGRES_HOST || '127.0.0.1',
    port: Number(startupEnv.POSTGRES_PORT || 5432),
    user: startupEnv.POSTGRES_USER || 'smartgrid',
    password: startupEnv.POSTGRES_PASSWORD || 'smartgrid',
    database: database ?? (startupEnv.POSTGRES_ADMIN_DB || 'postgres'),
    connectionTimeoutMillis: 5000,
  };
}

async function withClient<T>(database: string | undefined, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client(adminConfig(database));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The least-privilege roles of the local stack (infra/local/servers/postgres.sh creates them
 * too): the schema owner that runs migrations, and one login role per app. Cluster-wide, so
 * created here when missing (a stack started before they existed), then reused by every test
 * database.
 */
export const APP_ROLES = {
  owner: startupEnv.POSTGRES_MIGRATION_USER || 'smartgrid_owner',
  'user-management': 'smartgrid_um',
  'data-processing': 'smartgrid_dp',
} as const;
const ROLE_PASSWORD = startupEnv.SMARTGRID_PG_ROLE_PASSWORD || 'smartgrid';

let rolesReady: Promise<void> | undefined;
function ensureAppRoles(): Promise<void> {
  rolesReady ??= withClient(undefined, async (c) => {
    for (const role of Object.values(APP_ROLES)) {
      if (!IDENTIFIER.test(role)) throw new Error(`invalid role name "${role}"`);
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount) continue;
      try {
        await c.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${ROLE_PASSWORD.replace(/'/g, "''")}'`);
      } catch (e) {
        // Another test file (another Jest worker or run) created it meanwhile.
        if ((e as { code?: string }).code !== '42710' && (e as { code?: string }).code !== '23505') throw e;
      }
    }
  }).catch((e: unknown) => {
    rolesReady = undefined;
    throw e;
  });
  return rolesReady;
}

/**
 * POSTGRES_* variables that run `app` as its own least-privileged role, with migrations run
 * by the owner role (add to a test env made by testEnv/setupTestStack).
 */
export function appRoleEnv(app: 'user-management' | 'data-processing'): Record<string, string> {
  return {
    POSTGRES_USER: APP_ROLES[app],
    POSTGRES_PASSWORD: ROLE_PASSWORD,
    POSTGRES_MIGRATION_USER: APP_ROLES.owner,
    POSTGRES_MIGRATION_PASSWORD: ROLE_PASSWORD,
  };
}

/** A direct connection as the `smartgrid` superuser to a test database, for checks and tampering. */
export function adminClient(database: string): Client {
  return new Client(adminConfig(database));
}

/**
 * A small superuser pool on a test database that survives PostgreSQL being stopped and started
 * by fault tests (an idle connection the server ends is dropped, not thrown).
 */
export function adminPool(database: string): Pool {
  const pool = new Pool({ ...adminConfig(database), max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

export interface TestDatabase {
  name: string;
  /** POSTGRES_* variables pointing at the database. */
  env: TestEnv;
  drop(): Promise<void>;
}

/** Drops a test database, closing any connections still open to it. */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing to drop database "${name}"`);
  await withClient(undefined, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * Creates a database for one test file on the local PostgreSQL, with PostGIS enabled, and
 * returns the variables that point an app at it (as the superuser; appRoleEnv() switches an
 * app to its own role). The database belongs to the owner role, so migrations run as that role
 * can create tables in it.
 */
export async function createTestDatabase(name = uniqueName('sg')): Promise<TestDatabase> {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid test database name "${name}"`);
  await ensureAppRoles();
  await withClient(undefined, (c) => c.query(`CREATE DATABASE "${name}" OWNER "${APP_ROLES.owner}"`));
  await withClient(name, (c) => c.query('CREATE EXTENSION IF NOT EXISTS postgis'));
  const cfg = adminConfig(name);
  return {
    name,
    env: {
      POSTGRES_HOST: String(cfg.host),
      POSTGRES_PORT: String(cfg.port),
      POSTGRES_DB: name,
      POSTGRES_USER: String(cfg.user),
      POSTGRES_PASSWORD: String(cfg.password),
    },
    drop: () => dropTestDatabase(name),
  };
}
