import { StoreConnection } from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from './migration.runner';
import { guardPgClientErrors } from './pg-client-error.guard';

/**
 * The app's DataSource and whether it can be used yet (see StoreConnection). In `startup` mode
 * PostgresModule connects and migrates before the app starts (the DataSource is ready when
 * this is built); in `background` mode setting up means initialising the DataSource,
 * installing the pg client error guard and running `migrate` (the migrations under their
 * advisory lock, as the migration role when there is one, then its grants).
 */
export class PostgresConnection extends StoreConnection {
  constructor(
    readonly dataSource: DataSource,
    private readonly migrate: (dataSource: DataSource) => Promise<unknown> = runMigrationsLocked,
  ) {
    super('postgres', 'Postgres');
    // Startup mode: PostgresModule has connected and migrated already.
    if (dataSource.isInitialized) this.markAlreadyReady();
  }

  close(): void {
    this.markClosed();
  }

  protected async establish(): Promise<void> {
    if (!this.dataSource.isInitialized) {
      try {
        await this.dataSource.initialize();
      } catch (err) {
        // A half-initialised driver keeps its pool: drop it before the next attempt.
        await this.dataSource.driver.disconnect().catch(() => undefined);
        throw err;
      }
    }
    if (this.closed) {
      await this.dataSource.destroy().catch(() => undefined);
      throw new Error('connection closed');
    }
    guardPgClientErrors(this.dataSource);
    await this.migrate(this.dataSource);
  }
}
