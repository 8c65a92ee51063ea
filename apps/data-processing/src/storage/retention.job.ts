import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import {
  AGGREGATES_STORE,
  AggregatesStore,
  HYBRID_STORAGE_SETTINGS,
  HybridStorageSettings,
  messageOf,
  retentionHorizon,
  SeriesKind,
  TIME_SERIES_STORES,
  TimeSeriesStore,
} from '@smartgrid/hybrid-storage';

/** Provide `false` to keep the job off its timer (the storage CLI runs it on demand only). */
export const RETENTION_TIMER = Symbol('RETENTION_TIMER');

export interface RetentionRunReport {
  at: Date;
  kinds: { kind: SeriesKind; horizon: Date; dropped: Record<string, string[]>; errors: Record<string, string> }[];
  aggregates?: { horizon: Date; sensorBuckets: number; consumptionDays: number; error?: string };
}

/**
 * Enforces SENSOR_DATA_RETENTION_DAYS / METER_READINGS_RETENTION_DAYS / AGGREGATES_RETENTION_DAYS
 * on a schedule (RETENTION_INTERVAL_SECONDS, first run a few seconds after start): each store
 * drops what is past its horizon its own way (PostgreSQL whole monthly partitions; Cassandra
 * has nothing to do, its rows carry a TTL), and the aggregates lose buckets past theirs. Every
 * instance may run it: dropping is idempotent. A kind kept forever (0 days) is left alone; the
 * audit log is never touched.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRunReport> | undefined;

  constructor(
    @Inject(TIME_SERIES_STORES) private readonly stores: TimeSeriesStore[],
    @Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    @Optional() @Inject(RETENTION_TIMER) private readonly timerEnabled: boolean = true,
  ) {}

  get enabled(): boolean {
    const r = this.settings.retention;
    return r.sensorDays > 0 || r.meterDays > 0 || r.aggregatesDays > 0;
  }

  onApplicationBootstrap(): void {
    if (this.timerEnabled !== false && this.enabled && this.settings.retentionIntervalMs > 0) this.schedule(5_000);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now (or the one in flight). Errors of one store are reported, not thrown. */
  runOnce(nowMs: number = Date.now()): Promise<RetentionRunReport> {
    this.running ??= this.run(nowMs).finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((err: unknown) => this.logger.error(`retention run failed: ${messageOf(err)}`))
        .finally(() => this.schedule(this.settings.retentionIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async run(nowMs: number): Promise<RetentionRunReport> {
    const report: RetentionRunReport = { at: new Date(nowMs), kinds: [] };
    for (const kind of ['sensor', 'meter'] as SeriesKind[]) {
      const horizon = retentionHorizon(this.settings.retention, kind, nowMs);
      if (!horizon) continue;
      const k: RetentionRunReport['kinds'][number] = { kind, horizon, dropped: {}, errors: {} };
      for (const store of this.stores) {
        try {
          const dropped = await store.dropExpired(kind, horizon);
          k.dropped[store.name] = dropped;
          if (dropped.length > 0) this.logger.log(`${kind} data past ${horizon.toISOString()}: ${store.name} dropped ${dropped.join(', ')}`);
        } catch (err) {
          k.errors[store.name] = messageOf(err);
          this.logger.warn(`${kind} retention in ${store.name} failed (next run retries): ${messageOf(err)}`);
        }
      }
      report.kinds.push(k);
    }
    const horizon = retentionHorizon(this.settings.retention, 'aggregates', nowMs);
    if (horizon) {
      try {
        report.aggregates = { horizon, ...(await this.aggregates.dropExpired(horizon)) };
      } catch (err) {
        report.aggregates = { horizon, sensorBuckets: 0, consumptionDays: 0, error: messageOf(err) };
        this.logger.warn(`aggregates retention failed (next run retries): ${messageOf(err)}`);
      }
    }
    return report;
  }
}
