import { Logger } from '@nestjs/common';
import type { StoreName } from '../domain/readings.model';
import { messageOf, StoreNotReadyError } from '../storage.errors';

/**
 * Whether a store's connection can be used yet, and how it gets there. A subclass says how to
 * connect and set up (`establish`: connect, create the keyspace, run migrations…). Either the
 * app waits for it (`connectNow`, retried a few times) or it does not: `connectInBackground`
 * tries once, then keeps trying with backoff (1 s doubling to 30 s) until it succeeds or the
 * connection is closed. Until it is ready, health probes report the store down (naming why)
 * and adapters refuse to use it with StoreNotReadyError — unavailability, so the hybrid
 * storage writes to the other store with a backlog. Tasks registered with onReady() run once
 * it is ready.
 */
export abstract class StoreConnection {
  protected readonly logger: Logger;
  private readyFlag = false;
  private closedFlag = false;
  private lastError: string | null = null;
  private readonly readyTasks: (() => Promise<void>)[] = [];
  private loop: Promise<void> | undefined;

  protected constructor(
    readonly store: StoreName,
    loggerContext: string,
  ) {
    this.logger = new Logger(loggerContext);
  }

  /** Connects and sets up; throws when the store cannot be used yet. Must be safe to call again. */
  protected abstract establish(): Promise<void>;

  get ready(): boolean {
    return this.readyFlag;
  }

  protected get closed(): boolean {
    return this.closedFlag;
  }

  /** Why the connection is not ready (the last error), or null. */
  get notReadyReason(): string | null {
    return this.readyFlag ? null : (this.lastError ?? 'connecting');
  }

  assertReady(): void {
    if (!this.readyFlag) throw new StoreNotReadyError(this.store, this.notReadyReason ?? 'connecting');
  }

  /**
   * Runs `task` once ready: now (resolving when it is done) if already, else right after the
   * connection succeeds. A failing task is logged, not fatal.
   */
  onReady(task: () => Promise<void>): Promise<void> {
    if (this.readyFlag) return this.runTask(task);
    this.readyTasks.push(task);
    return Promise.resolve();
  }

  /** Connects now, failing after `attempts` tries `delayMs` apart (start-up mode). */
  async connectNow(attempts: number, delayMs: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.establish();
        break;
      } catch (err) {
        if (attempt >= attempts) throw err;
        this.logger.warn(`connecting failed (attempt ${attempt}/${attempts}): ${messageOf(err)}`);
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
    await this.markReady();
  }

  /**
   * Tries to connect once and resolves after that first attempt, succeeded or not; on failure
   * it keeps retrying in the background until it succeeds or close(). A store that is up is
   * thus ready when the app starts; one that is down is not waited for.
   */
  connectInBackground(): Promise<void> {
    if (this.loop || this.readyFlag) return Promise.resolve();
    let firstAttempt!: () => void;
    const first = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = (async () => {
      let delay = 1000;
      for (let attempt = 1; !this.closedFlag; attempt++) {
        try {
          await this.establish();
          if (this.closedFlag) return;
          await this.markReady();
          return;
        } catch (err) {
          this.lastError = messageOf(err);
          if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`not connected yet (attempt ${attempt}), retrying in the background: ${this.lastError}`);
          firstAttempt();
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(30_000, delay * 2);
        }
      }
    })().finally(() => firstAttempt());
    return first;
  }

  /** For a connection set up before this object was made (nothing left to run). */
  protected markAlreadyReady(): void {
    this.readyFlag = true;
  }

  /** Stops a background loop; subclasses close their clients too. */
  protected markClosed(): void {
    this.closedFlag = true;
  }

  private async markReady(): Promise<void> {
    this.readyFlag = true;
    this.lastError = null;
    this.logger.log('connected and ready');
    for (const task of this.readyTasks.splice(0)) await this.runTask(task);
  }

  private async runTask(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.logger.warn(`a task run after connecting failed: ${messageOf(err)}`);
    }
  }
}
