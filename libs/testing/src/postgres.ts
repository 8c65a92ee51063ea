import { Client, ClientConfig } from 'pg';
import type { TestEnv } from './env';
import { uniqueName } from './names';

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
 * returns the variables that point an app at it.
 */
export async function createTestDatabase(name = uniqueName('sg')): Promise<TestDatabase> {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid test database name "${name}"`);
  await withClient(undefined, (c) => c.query(`CREATE DATABASE "${name}"`));
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
