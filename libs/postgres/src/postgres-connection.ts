import { Logger } from '@nestjs/common';
import { StoreNotReadyError } from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from './migration-runner';
import { guardPgClientErrors } from './pg-client-error-guard';

const logger = new Logger('Postgres');

/**
 * The app's DataSource and whether it can be used yet. In `startup` mode PostgresModule
 * connects and migrates before the app starts; in `background` mode the app starts without
 * PostgreSQL, and this connects, installs the client error guard and runs the migrations in
 * the background, retried with backoff until they succeed; tasks registered with onReady()
 * run then. Until that point the health probe reports down (naming why) and adapters that
 * check `assertReady()` refuse with StoreNotReadyError (unavailable: the hybrid storage keeps
 * their rows in the other store's backlog).
 */
export class PostgresConnection {
  private readyFlag: boolean;
  private closed = false;
  private lastError: string | null = null;
  private readonly readyTasks: (() => Promise<void>)[] = [];
  private loop: Promise<void> | undefined;

  constructor(readonly dataSource: DataSource) {
    this.readyFlag = dataSource.isInitialized;
  }

  get ready(): boolean {
    return this.readyFlag;
  }

  get notReadyReason(): string | null {
    return this.readyFlag ? null : (this.lastError ?? 'connecting');
  }

  assertReady(): void {
    if (!this.readyFlag) throw new StoreNotReadyError('postgres', this.notReadyReason ?? 'connecting');
  }

  /** Runs `task` once connected and migrated: now (awaited) if already, else right after. Failures are logged. */
  onReady(task: () => Promise<void>): Promise<void> {
    if (this.readyFlag) return this.runTask(task);
    this.readyTasks.push(task);
    return Promise.resolve();
  }

  /**
   * Tries to connect once and resolves after that first attempt, succeeded or not; on failure
   * it keeps retrying in the background (backoff 1 s doubling to 30 s) until it succeeds or
   * close(). A server that is up is thus ready when the app starts; one that is down is not
   * waited for.
   */
  connectInBackground(): Promise<void> {
    if (this.loop || this.readyFlag) return Promise.resolve();
    let firstAttempt!: () => void;
    const first = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = (async () => {
      let delay = 1000;
      for (let attempt = 1; !this.closed; attempt++) {
        try {
          await this.connect();
          return;
        } catch (err) {
          this.lastError = err instanceof Error ? err.message : String(err);
          if (attempt === 1 || attempt % 10 === 0) logger.warn(`not connected yet (attempt ${attempt}), retrying in the background: ${this.lastError}`);
          firstAttempt();
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(30_000, delay * 2);
        }
      }
    })().finally(() => firstAttempt());
    return first;
  }

  close(): void {
    this.closed = true;
  }

  private async connect(): Promise<void> {
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
      return;
    }
    guardPgClientErrors(this.dataSource);
    await runMigrationsLocked(this.dataSource);
    this.readyFlag = true;
    this.lastError = null;
    logger.log('connected and migrated');
    for (const task of this.readyTasks.splice(0)) await this.runTask(task);
  }

  private async runTask(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      logger.warn(`a task run after connecting failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
