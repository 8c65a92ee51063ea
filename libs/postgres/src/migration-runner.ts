import { Logger } from '@nestjs/common';
import { DataSource, Migration, MigrationExecutor } from 'typeorm';
import { MIGRATION_LOCK_KEY } from './postgres.constants';
import { MigrationRunError } from './postgres.options';

const logger = new Logger('PostgresMigrations');

/**
 * Applies pending migrations, each in its own transaction, while holding an advisory lock,
 * so two apps starting together against one database apply each migration exactly once.
 * Lock and migrations share one connection: the lock is session-scoped.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      for (const m of applied) logger.log(`applied ${m.name}`);
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
