import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { MeterReading, SensorReading, Stamped, StoreName } from '../domain/readings.model';
import { seriesOps } from '../domain/series.model';
import { withinRetention } from '../domain/retention.model';
import { messageOf, withTimeout } from '../storage.errors';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import type { BacklogEntry, BacklogStore } from '../ports/backlog-store.port';
import type { NewQuarantineEntry } from '../ports/quarantine-store.port';
import { QuarantineService } from '../quarantine/quarantine.service';
import { RefusedRow, writeAcceptedRows } from '../quarantine/refused-rows.splitter';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { StoreHealth } from '../health/store.health';
import { BacklogService } from './backlog.service';
import { DrainLoop } from './drain.loop';

const EMPTY_RECHECK_MS = 15_000;

export interface ReplayTargetReport {
  target: StoreName;
  /**
   * `drained`: every entry whose time had come was replayed or quarantined; `unhealthy`: the
   * target did not answer (before or during the pass); `failed`: a backlog could not be updated.
   */
  state: 'drained' | 'unhealthy' | 'failed' | 'stopped';
  /** Entries that left the backlog (replayed, or their refused rows quarantined). */
  entries: number;
  /** Rows now in the target. */
  rows: number;
  /** Rows the target refused, set aside in quarantine. */
  quarantinedRows: number;
  /** Entries that failed while the target answered, waiting for their next attempt. */
  deferred: number;
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
 *
 * Nothing can jam it: rows the target refuses are split out of their entry and quarantined;
 * an entry that fails while the target answers waits with its own backoff (the rest go on)
 * and is quarantined after `maxAttempts`; only a target that stops answering pauses the
 * pass, and then the entries keep their order for the next one.
 */
@Injectable()
export class BacklogReplayer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BacklogReplayer');
  private readonly loop: DrainLoop;
  private running: Promise<ReplayReport> | undefined;
  private runningThorough = false;
  private queued: Promise<ReplayReport> | undefined;
  private readonly verifiedEmptyAt = new Map<StoreName, number>();

  constructor(
    @Inject(TIME_SERIES_STORES) private readonly stores: TimeSeriesStore[],
    private readonly backlog: BacklogService,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    private readonly health: StoreHealth,
    private readonly quarantine: QuarantineService,
  ) {
    this.loop = DrainLoop.every(settings.replay.intervalMs, {
      drain: () => this.drainNow({ thorough: false }).then(() => undefined),
      failed: (err) => this.logger.error(`replay pass failed: ${messageOf(err)}`),
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.replay.enabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts the timer (idempotent). */
  start(): void {
    this.loop.start(0);
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one full pass now, or joins the one in flight. An explicit call looks at every
   * backlog even when this process believes it empty (another instance, or a tool, may have
   * left entries); the timer's passes skip a backlog known to be empty for a while.
   */
  drainNow(opts: { thorough?: boolean } = { thorough: true }): Promise<ReplayReport> {
    const thorough = opts.thorough !== false;
    if (this.running) {
      // Joining a timer pass would skip backlogs it believes empty: run a thorough one after it.
      if (!thorough || this.runningThorough) return this.running;
      this.queued ??= this.running.catch(() => undefined).then(() => {
        this.queued = undefined;
        return this.drainNow({ thorough: true });
      });
      return this.queued;
    }
    this.runningThorough = thorough;
    this.running = this.pass(thorough).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(thorough: boolean): Promise<ReplayReport> {
    const startedAt = new Date();
    const targets: ReplayTargetReport[] = [];
    for (const store of this.stores) {
      const holders = this.backlog.holdersFor(store.name);
      if (holders.length === 0) continue;
      targets.push(await this.drainTarget(store, holders, thorough));
    }
    return { startedAt, durationMs: Date.now() - startedAt.getTime(), targets };
  }

  private async drainTarget(store: TimeSeriesStore, holders: BacklogStore[], thorough: boolean): Promise<ReplayTargetReport> {
    const report: ReplayTargetReport = { target: store.name, state: 'drained', entries: 0, rows: 0, quarantinedRows: 0, deferred: 0 };
    // Skip the ping and claims while this process knows the backlog is empty; look again now
    // and then anyway, since another instance may have left entries behind.
    const verifiedAt = this.verifiedEmptyAt.get(store.name) ?? 0;
    if (!thorough && this.backlog.hasPending(store.name) === false && Date.now() - verifiedAt < EMPTY_RECHECK_MS) return report;
    try {
      await this.ping(store);
    } catch (err) {
      return { ...report, state: 'unhealthy', error: messageOf(err) };
    }
    const appendsAtStart = this.backlog.appendCount(store.name);
    let holdersReadable = true;
    for (const holder of holders) {
      for (;;) {
        if (this.loop.stopped) return { ...report, state: 'stopped' };
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
        const outcomes = await Promise.all(claimed.map((e) => this.replayEntry(store, holder, e)));
        const done = claimed.filter((_, i) => outcomes[i]!.state !== 'failed');
        for (const [i, o] of outcomes.entries()) {
          if (o.state === 'failed') continue;
          report.entries++;
          report.rows += claimed[i]!.rows.length - o.quarantinedRows;
          report.quarantinedRows += o.quarantinedRows;
        }
        if (done.length > 0) {
          try {
            await withTimeout(holder.complete(done), this.settings.storeTimeoutMs, `${holder.location} backlog complete`);
          } catch (err) {
            // The rows are in the target (or in quarantine); the entries stay and will be replayed again, harmlessly.
            return { ...report, state: 'failed', error: `${holder.location} backlog: ${messageOf(err)}` };
          }
        }
        const failed = claimed.map((e, i) => ({ entry: e, outcome: outcomes[i]! })).filter((f) => f.outcome.state === 'failed');
        if (failed.length === 0) continue;
        // Unavailable (keep order, stop) or only these entries failing (back off, go on)?
        let targetUp = true;
        try {
          await this.ping(store);
        } catch {
          targetUp = false;
        }
        for (const f of failed) {
          const error = f.outcome.error ?? 'unknown error';
          if (!targetUp) {
            await holder.release(f.entry, { error, attempts: f.entry.attempts, retryAt: null }).catch(() => undefined);
            continue;
          }
          report.deferred += await this.deferOrQuarantine(store, holder, f.entry, error);
        }
        if (!targetUp) {
          this.logger.warn(`replay into ${store.name} paused, the store stopped answering: ${failed[0]!.outcome.error}`);
          return { ...report, state: 'unhealthy', error: failed[0]!.outcome.error ?? 'unknown error' };
        }
      }
    }
    // Claims skip entries waiting for their retry time: only an empty backlog is drained.
    if (holdersReadable && report.deferred === 0 && (await this.nothingWaiting(store.name, holders))) {
      if (this.backlog.markDrained(store.name, appendsAtStart)) this.verifiedEmptyAt.set(store.name, Date.now());
    }
    if (report.entries > 0) {
      this.logger.log(
        `replayed ${report.entries} entries (${report.rows} rows) into ${store.name}` +
          (report.quarantinedRows > 0 ? `, ${report.quarantinedRows} refused rows quarantined` : '') +
          (report.deferred > 0 ? `, ${report.deferred} entries deferred` : ''),
      );
    }
    return report;
  }

  private async nothingWaiting(target: StoreName, holders: BacklogStore[]): Promise<boolean> {
    try {
      const all = await Promise.all(holders.map((h) => withTimeout(h.status(), this.settings.storeTimeoutMs, `${h.location} backlog status`)));
      return all.flat().every((t) => t.target !== target || t.entries === 0);
    } catch {
      return false;
    }
  }

  private async ping(store: TimeSeriesStore): Promise<void> {
    await withTimeout(store.ping(), this.settings.storeTimeoutMs, `${store.name} ping`);
    this.health.markUp(store.name);
  }

  /**
   * Replays one entry. Rows the target refuses are split out and quarantined (held by the
   * backlog's own store, which is known to be up), the rest written: the entry is then done.
   * Any other failure leaves it `failed` for the caller to judge.
   */
  private async replayEntry(store: TimeSeriesStore, holder: BacklogStore, entry: BacklogEntry): Promise<EntryOutcome> {
    if (entry.kind === 'deletion') {
      // A deletion is applied whole (idempotent), never split or quarantined: until the target
      // takes it, it waits with the entry's backoff like any failed entry.
      try {
        for (const d of entry.rows) await withTimeout(store.deleteRange(d), this.settings.storeTimeoutMs, `${store.name} replayed delete`);
      } catch (err) {
        return { state: 'failed', quarantinedRows: 0, error: messageOf(err) };
      }
      return { state: 'replayed', quarantinedRows: 0 };
    }
    const ops = seriesOps(entry.kind);
    // Rows that went past retention while they waited are not written (they would come back
    // into a partition retention dropped, or expire at once).
    const rows = withinRetention(this.settings.retention, entry.kind, entry.rows as Stamped<SensorReading | MeterReading>[]);
    let refused: RefusedRow<Stamped<SensorReading | MeterReading>>[];
    try {
      refused = await withTimeout(
        writeAcceptedRows(rows, (part) => ops.upsert(store, part)),
        this.settings.storeTimeoutMs,
        `${store.name} replay`,
      );
    } catch (err) {
      return { state: 'failed', quarantinedRows: 0, error: messageOf(err) };
    }
    if (refused.length === 0) return { state: 'replayed', quarantinedRows: 0 };
    try {
      await this.quarantine.add(
        store.name,
        [{ kind: entry.kind, rows: refused.map((r) => r.row), target: store.name, reason: refused[0]!.reason, attempts: entry.attempts + 1, firstFailedAt: entry.createdAt } as NewQuarantineEntry],
        [holder.location],
      );
    } catch (err) {
      return { state: 'failed', quarantinedRows: 0, error: messageOf(err) };
    }
    return { state: 'quarantined', quarantinedRows: refused.length };
  }

  /**
   * An entry failed while its target answers pings: it waits (doubling backoff) and the
   * entries behind it go on; after `maxAttempts` its rows are set aside in quarantine.
   * Returns 1 when the entry stays in the backlog, 0 when it left it.
   */
  private async deferOrQuarantine(store: TimeSeriesStore, holder: BacklogStore, entry: BacklogEntry, error: string): Promise<number> {
    const attempts = entry.attempts + 1;
    const r = this.settings.replay;
    if (attempts >= r.maxAttempts && entry.kind !== 'deletion') {
      try {
        await this.quarantine.add(
          store.name,
          [{ kind: entry.kind, rows: entry.rows, target: store.name, reason: `gave up after ${attempts} attempts: ${error}`, attempts, firstFailedAt: entry.createdAt } as NewQuarantineEntry],
          [holder.location],
        );
        await holder.complete([entry]);
        return 0;
      } catch (err) {
        this.logger.warn(`could not quarantine backlog entry ${entry.id} for ${store.name}: ${messageOf(err)}`);
      }
    }
    const waitMs = Math.min(r.backoffMaxMs, r.backoffInitialMs * 2 ** Math.min(attempts - 1, 30));
    await holder.release(entry, { error, attempts, retryAt: new Date(Date.now() + waitMs) }).catch(() => undefined);
    this.logger.warn(`backlog entry ${entry.id} for ${store.name} failed (attempt ${attempts}/${r.maxAttempts}), retrying in ${waitMs} ms: ${error}`);
    return 1;
  }
}

interface EntryOutcome {
  state: 'replayed' | 'quarantined' | 'failed';
  quarantinedRows: number;
  error?: string;
}
