import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { AUDIT_LOG_STORE, AUDIT_MIRROR_STORE, AuditLogStore, AuditMirrorStore } from '@smartgrid/audit';
import { DrainLoop } from '@smartgrid/hybrid-storage';
import { AuditMetrics } from './audit.metrics';

const BATCH = 500;
const IDLE_POLL_MS = 2000;
const MAX_BACKOFF_MS = 10_000;
const MONGO_WRITE_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Copies committed audit entries from the PostgreSQL backlog to MongoDB, oldest first, and
 * deletes each backlog row only after MongoDB has the entry. MongoDB down means the backlog
 * grows and is retried with back-off; copies are upserts keyed by entry id, so retries and
 * several app instances draining at once never duplicate an entry.
 */
@Injectable()
export class AuditMirrorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditMirror');
  private readonly loop = new DrainLoop({
    drain: () => this.drain(),
    backoff: { initialMs: 500, maxMs: MAX_BACKOFF_MS },
    idlePollMs: IDLE_POLL_MS,
    failed: (e) => this.failed(e),
  });
  private indexesReady = false;
  private lastError: string | null = null;
  /** Whether the entries written while the copy was switched off have been queued (once per start). */
  private tailQueued = false;

  constructor(
    @Inject(AUDIT_LOG_STORE) private readonly pg: AuditLogStore,
    private readonly metrics: AuditMetrics,
    // Bound only when USE_MONGODB_AUDIT is on (see AuditModule.forRoot).
    @Optional() @Inject(AUDIT_MIRROR_STORE) private readonly mongo?: AuditMirrorStore,
  ) {
    // PostgreSQL unreachable at scrape time: the gauge keeps its last value (the health probe
    // reports the outage).
    this.metrics.backlogSource = async () => (this.enabled ? this.pg.backlogSize() : 0);
  }

  /** False when USE_MONGODB_AUDIT=false: PostgreSQL alone keeps and serves the log. */
  get enabled(): boolean {
    return this.mongo !== undefined;
  }

  /** Starts copying in the background: start-up never waits for MongoDB, which may be down. */
  onApplicationBootstrap(): void {
    this.notify();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** Asks for a drain soon; several calls while one runs collapse into one more pass. */
  notify(): void {
    if (this.enabled) this.loop.notify();
  }

  /** Drains until the backlog is empty (or fails); for tests and the start-up path. */
  async flush(): Promise<void> {
    if (this.enabled) await this.loop.flush();
  }

  get status(): { enabled: boolean; lastError: string | null } {
    return { enabled: this.enabled, lastError: this.lastError };
  }

  /**
   * True when MongoDB can answer queries for every entry below the oldest backlog row: the
   * copy is on, its last write worked, and the entries written while it was off are queued.
   */
  get readyForQueries(): boolean {
    return this.enabled && this.tailQueued && this.lastError === null;
  }

  private async drain(): Promise<void> {
    const mongo = this.mongo;
    if (!mongo) return;
    if (!this.tailQueued) {
      await this.enqueueUnmirroredTail(mongo);
      this.tailQueued = true;
    }
    for (;;) {
      const entries = await this.pg.backlogBatch(BATCH);
      if (entries.length === 0) {
        // Nothing to copy (another instance may have drained it): still find out whether
        // MongoDB is back, since queries avoid it while lastError is set.
        if (this.lastError !== null) {
          await withTimeout(mongo.maxSeq(), MONGO_WRITE_TIMEOUT_MS, 'MongoDB probe');
          this.lastError = null;
        }
        break;
      }
      const seqs = entries.map((e) => e.seq);
      try {
        if (!this.indexesReady) {
          await withTimeout(mongo.ensureIndexes(), MONGO_WRITE_TIMEOUT_MS, 'MongoDB index build');
          this.indexesReady = true;
        }
        await withTimeout(mongo.insertMissing(entries), MONGO_WRITE_TIMEOUT_MS, 'MongoDB write');
      } catch (e) {
        this.metrics.mirrorFailures.inc();
        await this.pg.noteBacklogFailure(seqs, e instanceof Error ? e.message : String(e));
        throw e;
      }
      await this.pg.removeFromBacklog(seqs);
      this.metrics.mirrored.inc(entries.length);
      if (this.lastError) this.logger.log(`MongoDB reachable again; audit backlog draining (${entries.length} copied)`);
      this.lastError = null;
      this.loop.progressed();
    }
  }

  private failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    // One warning per outage, not one per retry.
    if (this.lastError === null) this.logger.warn(`audit mirror paused, will retry: ${message}`);
    this.lastError = message;
  }

  /**
   * Entries written while the mirror was switched off have no backlog rows; queue everything
   * after the newest entry MongoDB holds. Part of the first successful drain, so it happens
   * whenever MongoDB first answers, not only if it was up at start-up.
   */
  private async enqueueUnmirroredTail(mongo: AuditMirrorStore): Promise<void> {
    const mongoMax = await withTimeout(mongo.maxSeq(), MONGO_WRITE_TIMEOUT_MS, 'MongoDB max seq');
    await this.pg.enqueueAfter(mongoMax);
  }
}
