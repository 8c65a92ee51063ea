import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions, Migration, MigrationExecutor, QueryRunner } from 'typeorm';
import { applyGrants, PostgresGrants } from './postgres.grants';
import { MIGRATION_LOCK_KEY } from './postgres.constants';
import { MigrationRunError } from './postgres.options';
import type { PostgresConfig } from './postgres.options';

const logger = new Logger('PostgresMigrations');

/**
 * Applies pending migrations, each in its own transaction, while holding an advisory lock,
 * so two apps starting together against one database apply each migration exactly once.
 * Lock and migrations share one connection: the lock is session-scoped. `afterwards` runs
 * under the same lock, on the same connection, in a transaction of its own (grants).
 */
export async function runMigrationsLocked(dataSource: DataSource, afterwards?: (runner: QueryRunner) => Promise<void>): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      for (const m of applied) logger.log(`applied ${m.name}`);
      if (afterwards) {
        await runner.startTransaction();
        try {
          await afterwards(runner);
          await runner.commitTransaction();
        } catch (err) {
          await runner.rollbackTransaction();
          throw err;
        }
      }
      return applied;
    } catch (err) {
      throw new MigrationRunError(err);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * How an app brings its schema up to date. Without POSTGRES_MIGRATION_USER (or when it is the
 * app's own user) the app's DataSource migrates, as before. With it, a short-lived connection
 * as the migration role (the owner of the schema) applies the migrations and then grants the
 * app's role exactly what `grants` list, so the app itself never owns, alters or truncates a
 * table.
 */
export function migratorFor(cfg: PostgresConfig, grants: readonly PostgresGrants[]): (appDataSource: DataSource) => Promise<void> {
  return async (appDataSource) => {
    if (!cfg.migrationUser || cfg.migrationUser === cfg.user) {
      await runMigrationsLocked(appDataSource);
      return;
    }
    const owner = new DataSource({
      ...(appDataSource.options as DataSourceOptions),
      username: cfg.migrationUser,
      password: cfg.migrationPassword ?? '',
      poolSize: 1,
      applicationName: 'smartgrid-migrations',
    } as DataSourceOptions);
    await owner.initialize();
    try {
      await runMigrationsLocked(owner, (runner) => applyGrants(runner.manager, cfg.user, grants));
    } finally {
      await owner.destroy().catch(() => undefined);
    }
  };
}
