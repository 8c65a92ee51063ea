import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { StoreName } from '../domain/readings';
import { messageOf, withTimeout } from '../errors';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import type { BacklogEntry, BacklogStore } from '../ports/backlog-store.port';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { StoreHealth } from '../health/store-health';
import { BacklogService } from './backlog.service';

const EMPTY_RECHECK_MS = 15_000;

export interface ReplayTargetReport {
  target: StoreName;
  /** `unhealthy`: the target did not answer a ping, nothing was tried. */
  state: 'drained' | 'unhealthy' | 'failed' | 'stopped';
  entries: number;
  rows: number;
  error?: string;
}

export interface ReplayReport {
  startedAt: Date;
  durationMs: number;
  targets: ReplayTargetReport[];
}

/**
 * Drains the replication backlog into stores that are healthy again. Runs on a timer (one pass
 * at a time; the next starts `intervalMs` after the previous ended) and on demand
 * (`drainNow`, e.g. `POST /api/storage/replay`). A pass pings each target first, so an outage
 * costs one cheap probe per interval, then replays claimed entries concurrently and removes
 * them once the target has them.
 */
@Injectable()
export class BacklogReplayer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BacklogReplayer');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReplayReport> | undefined;
  private stopped = false;
  private readonly verifiedEmptyAt = new Map<StoreName, number>();

  constructor(
    @Inject(TIME_SERIES_STORES) private readonly stores: TimeSeriesStore[],
    private readonly backlog: BacklogService,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    private readonly health: StoreHealth,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.replay.enabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts the timer (idempotent). */
  start(): void {
    this.stopped = false;
    if (this.timer) return;
    this.schedule(0);
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Runs one full pass now, or joins the one in flight. */
  drainNow(): Promise<ReplayReport> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drainNow()
        .catch((err: unknown) => this.logger.error(`replay pass failed: ${messageOf(err)}`))
        .finally(() => {
          if (!this.stopped) this.schedule(this.settings.replay.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<ReplayReport> {
    const startedAt = new Date();
    const targets: ReplayTargetReport[] = [];
    for (const store of this.stores) {
      const holders = this.backlog.holdersFor(store.name);
      if (holders.length === 0) continue;
      targets.push(await this.drainTarget(store, holders));
    }
    return { startedAt, durationMs: Date.now() - startedAt.getTime(), targets };
  }

  private async drainTarget(store: TimeSeriesStore, holders: BacklogStore[]): Promise<ReplayTargetReport> {
    const report: ReplayTargetReport = { target: store.name, state: 'drained', entries: 0, rows: 0 };
    // Skip the ping and claims while this process knows the backlog is empty; look again now
    // and then anyway, since another instance may have left entries behind.
    const verifiedAt = this.verifiedEmptyAt.get(store.name) ?? 0;
    if (this.backlog.hasPending(store.name) === false && Date.now() - verifiedAt < EMPTY_RECHECK_MS) return report;
    try {
      await withTimeout(store.ping(), this.settings.storeTimeoutMs, `${store.name} ping`);
      this.health.markUp(store.name);
    } catch (err) {
      return { ...report, state: 'unhealthy', error: messageOf(err) };
    }
    const appendsAtStart = this.backlog.appendCount(store.name);
    let holdersReadable = true;
    for (const holder of holders) {
      for (;;) {
        if (this.stopped) return { ...report, state: 'stopped' };
        let claimed: BacklogEntry[];
        try {
          claimed = await withTimeout(
            holder.claim(store.name, this.settings.replay.entriesPerClaim, this.settings.replay.leaseMs),
            this.settings.storeTimeoutMs,
            `${holder.location} backlog claim`,
          );
        } catch (err) {
          // The backlog's own store is down: its entries wait; others may still drain.
          holdersReadable = false;
          report.error = `${holder.location} backlog: ${messageOf(err)}`;
          break;
        }
        if (claimed.length === 0) break;
        const outcome = await this.replay(store, claimed);
        report.entries += outcome.done.length;
        report.rows += outcome.done.reduce((n, e) => n + e.rows.length, 0);
        if (outcome.done.length > 0) {
          try {
            await withTimeout(holder.complete(outcome.done), this.settings.storeTimeoutMs, `${holder.location} backlog complete`);
          } catch (err) {
            // The rows are in the target; the entries stay and will be replayed again, harmlessly.
            return { ...report, state: 'failed', error: `${holder.location} backlog: ${messageOf(err)}` };
          }
        }
        if (outcome.failure) {
          await holder.release(outcome.failure.entry, outcome.failure.error).catch(() => undefined);
          this.logger.warn(`replay into ${store.name} stopped: ${outcome.failure.error}`);
          return { ...report, state: 'failed', error: outcome.failure.error };
        }
      }
    }
    if (holdersReadable) {
      if (this.backlog.markDrained(store.name, appendsAtStart)) this.verifiedEmptyAt.set(store.name, Date.now());
    }
    if (report.entries > 0) this.logger.log(`replayed ${report.entries} entries (${report.rows} rows) into ${store.name}`);
    return report;
  }

  /** Replays claimed entries concurrently; `done` is the prefix that succeeded, in order. */
  private async replay(
    store: TimeSeriesStore,
    claimed: BacklogEntry[],
  ): Promise<{ done: BacklogEntry[]; failure?: { entry: BacklogEntry; error: string } }> {
    const results = await Promise.allSettled(
      claimed.map((e) => {
        const work = e.kind === 'sensor' ? store.upsertSensorReadings(e.rows) : store.upsertMeterReadings(e.rows);
        return withTimeout(work, this.settings.storeTimeoutMs, `${store.name} replay`);
      }),
    );
    const firstFailure = results.findIndex((r) => r.status === 'rejected');
    if (firstFailure === -1) return { done: claimed };
    const failed = results[firstFailure] as PromiseRejectedResult;
    return { done: claimed.slice(0, firstFailure), failure: { entry: claimed[firstFailure]!, error: messageOf(failed.reason) } };
  }
}
