import { createHash } from 'crypto';
import { join } from 'path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationsLockDrift } from '@smartgrid/testing';
import { aggregatesMigrations } from './aggregates';
import { auditMigrations } from './audit';
import { eventsMigrations } from './events';
import { foundationMigrations } from './foundation/migrations';
import { timeseriesMigrations } from './timeseries';
import { usersMigrations } from './users';

const LOCK = join(__dirname, 'migrations.lock.json');

/**
 * What a migration sends to the database, up then down, without a database: every shipped
 * migration only calls `query` (no branch on a result), so the calls are the whole of it.
 * Any other QueryRunner method fails loudly rather than being left out of the fingerprint.
 */
async function sqlOf(migration: MigrationInterface): Promise<string> {
  const calls: unknown[] = [];
  const recorder = new Proxy({} as QueryRunner, {
    get: (_target, method) => {
      if (method !== 'query') throw new Error(`${migration.name}: QueryRunner.${String(method)} is not recorded; fingerprint it before using it in a migration`);
      return async (sql: string, params?: unknown[]) => {
        calls.push([sql.trim().replace(/\s+/g, ' '), params ?? []]);
        return [];
      };
    },
  });
  await migration.up(recorder);
  calls.push('down');
  // a down that refuses (data it would lose) is part of what shipped, with its reason
  await migration.down(recorder).catch((err: Error) => calls.push(['refused', err.message]));
  return JSON.stringify(calls);
}

async function fingerprints(classes: Function[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const Migration of classes) {
    const migration = new (Migration as new () => MigrationInterface)();
    out.set(Migration.name, createHash('sha256').update(await sqlOf(migration)).digest('hex').slice(0, 16));
  }
  return out;
}

const all = [...foundationMigrations, ...usersMigrations, ...auditMigrations, ...timeseriesMigrations, ...aggregatesMigrations, ...eventsMigrations];

describe('shipped PostgreSQL migrations', () => {
  it('run what they ran when they shipped (migrations.lock.json)', async () => {
    expect(migrationsLockDrift(LOCK, await fingerprints(all))).toEqual([]);
  });

  it('fingerprint the SQL, not its layout: a changed statement is caught, re-indenting is not', async () => {
    class Probe1 implements MigrationInterface {
      name = 'Probe1';
      constructor(private readonly sql: string) {}
      async up(q: QueryRunner) { await q.query(this.sql, [1]); }
      async down(q: QueryRunner) { await q.query('DROP TABLE probe'); }
    }
    const a = await sqlOf(new Probe1('CREATE TABLE probe (id int)'));
    expect(await sqlOf(new Probe1('\n  CREATE   TABLE probe\n    (id int)\n'))).toEqual(a);
    expect(await sqlOf(new Probe1('CREATE TABLE probe (id bigint)'))).not.toEqual(a);
  });

  it('refuses a migration that uses more of the QueryRunner than query()', async () => {
    const migration: MigrationInterface = { name: 'UsesSchemaApi1', up: async (q) => { await q.createSchema('x'); }, down: async () => undefined };
    await expect(sqlOf(migration)).rejects.toThrow('QueryRunner.createSchema is not recorded');
  });
});
