import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'crypto';
import { Client, types } from 'cassandra-driver';
import { MIGRATION_LOCK_TABLE, MIGRATIONS_TABLE } from './cassandra.constants';

/**
 * One versioned schema change. Versions are unique across every array an app passes in
 * (give each feature its own range); statements run in order and should be idempotent
 * (`IF NOT EXISTS`), since a crash between two statements re-runs the whole migration.
 */
export interface CqlMigration {
  version: number;
  name: string;
  statements: string[];
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export class CqlMigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CqlMigrationError';
  }
}

/** Whitespace-insensitive digest of a migration's statements (its name may change freely). */
export function migrationChecksum(migration: CqlMigration): string {
  const normalised = migration.statements.map((s) => s.trim().replace(/\s+/g, ' ').replace(/;$/, ''));
  return createHash('sha256').update(normalised.join('\n')).digest('hex');
}

/** Sorted copy of the migrations; throws on duplicate or invalid versions and empty ones. */
export function sortMigrations(migrations: readonly CqlMigration[]): CqlMigration[] {
  const seen = new Map<number, string>();
  for (const m of migrations) {
    if (!Number.isSafeInteger(m.version) || m.version < 1) {
      throw new CqlMigrationError(`CQL migration "${m.name}" has invalid version ${m.version}`);
    }
    const other = seen.get(m.version);
    if (other !== undefined) {
      throw new CqlMigrationError(`CQL migrations "${other}" and "${m.name}" share version ${m.version}`);
    }
    if (m.statements.length === 0 || m.statements.some((s) => s.trim() === '')) {
      throw new CqlMigrationError(`CQL migration ${m.version} "${m.name}" has an empty statement list or statement`);
    }
    seen.set(m.version, m.name);
  }
  return [...migrations].sort((a, b) => a.version - b.version);
}

/**
 * Which migrations still need to run. An applied migration whose checksum differs from the
 * code's means the schema and the code disagree: refuse to start rather than guess.
 */
export function planMigrations(migrations: readonly CqlMigration[], applied: readonly AppliedMigration[]): CqlMigration[] {
  const byVersion = new Map(applied.map((a) => [a.version, a]));
  const pending: CqlMigration[] = [];
  for (const m of sortMigrations(migrations)) {
    const done = byVersion.get(m.version);
    if (!done) {
      pending.push(m);
    } else if (done.checksum !== migrationChecksum(m)) {
      throw new CqlMigrationError(
        `CQL migration ${m.version} "${m.name}" was changed after it was applied (checksum ${done.checksum.slice(0, 12)}… ` +
          `in the database, ${migrationChecksum(m).slice(0, 12)}… in the code); add a new migration instead`,
      );
    }
  }
  return pending;
}

const QUORUM = { consistency: types.consistencies.localQuorum, prepare: true };

/**
 * Applies CQL migrations inside the client's keyspace and records them in
 * `schema_migrations`. A lightweight-transaction lock (with a TTL, so a crashed holder
 * cannot block forever) keeps two instances from running DDL at the same time.
 */
export class CqlMigrator {
  private readonly logger = new Logger('CassandraMigrations');

  constructor(
    private readonly client: Client,
    private readonly lockTimeoutMs = 120_000,
  ) {}

  async migrate(migrations: readonly CqlMigration[]): Promise<CqlMigration[]> {
    sortMigrations(migrations); // fail on bad input before touching the database
    await this.client.execute(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version int PRIMARY KEY, name text, checksum text, applied_at timestamp)`,
    );
    await this.client.execute(`CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (id text PRIMARY KEY, owner uuid)`);

    const owner = await this.acquireLock();
    try {
      const pending = planMigrations(migrations, await this.applied());
      for (const m of pending) {
        for (const statement of m.statements) await this.client.execute(statement);
        await this.client.execute(
          `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
          [m.version, m.name, migrationChecksum(m), new Date()],
          QUORUM,
        );
        this.logger.log(`applied ${m.version} ${m.name}`);
      }
      return pending;
    } finally {
      await this.releaseLock(owner);
    }
  }

  async applied(): Promise<AppliedMigration[]> {
    const rs = await this.client.execute(`SELECT version, name, checksum FROM ${MIGRATIONS_TABLE}`, [], QUORUM);
    return rs.rows.map((r) => ({ version: Number(r.get('version')), name: String(r.get('name')), checksum: String(r.get('checksum')) }));
  }

  private async acquireLock(): Promise<types.Uuid> {
    const owner = types.Uuid.fromString(randomUUID());
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      const rs = await this.client.execute(
        `INSERT INTO ${MIGRATION_LOCK_TABLE} (id, owner) VALUES ('migrate', ?) IF NOT EXISTS USING TTL 300`,
        [owner],
        QUORUM,
      );
      if (rs.wasApplied()) return owner;
      if (Date.now() > deadline) {
        throw new CqlMigrationError(`timed out after ${this.lockTimeoutMs} ms waiting for the CQL migration lock`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async releaseLock(owner: types.Uuid): Promise<void> {
    await this.client.execute(`DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE id = 'migrate' IF owner = ?`, [owner], QUORUM);
  }
}
