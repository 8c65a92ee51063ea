import type { WriteTarget } from './domain/readings.model';
import { KEEP_FOREVER, RetentionPolicy } from './domain/retention.model';

export interface ReplaySettings {
  /** Run the replayer on a timer (the CLI and some tests drive it by hand instead). */
  enabled: boolean;
  /** Pause between drain passes while there is nothing to do or the target is down. */
  intervalMs: number;
  /** Entries claimed, and replayed concurrently, per round trip. */
  entriesPerClaim: number;
  /** How long a claimed entry stays hidden from other replayers (PostgreSQL backlog). */
  leaseMs: number;
  /**
   * Failed replays of one entry (its target up, answering, but not taking it) before its rows
   * are set aside in quarantine. Between attempts the entry waits (backoff) while the entries
   * behind it go on.
   */
  maxAttempts: number;
  /** First wait after a failed replay of an entry; doubles per attempt up to `backoffMaxMs`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export interface HybridStorageSettings {
  /** Target of writes that name none: `both` when USE_CASSANDRA, else `postgres`. */
  defaultTarget: WriteTarget;
  /** Upper bound for one store call; a store that does not answer in time counts as failed. */
  storeTimeoutMs: number;
  /** While a store is marked down after a failed write, one write in this interval still tries it. */
  downProbeIntervalMs: number;
  /** Rows per backlog entry (bounds the size of one Cassandra cell or JSONB value). */
  backlogChunkRows: number;
  /** Upper bound for the sensor-metadata upsert that rides along with a sensor write. */
  metadataTimeoutMs: number;
  /** After a metadata failure, writes skip the metadata store for this long. */
  metadataRetryAfterMs: number;
  replay: ReplaySettings;
  /** Days each kind is kept (SENSOR_DATA_/METER_READINGS_/AGGREGATES_RETENTION_DAYS; 0 = forever). */
  retention: RetentionPolicy;
  /** Pause between runs of the retention job (RETENTION_INTERVAL_SECONDS); 0 disables the timer. */
  retentionIntervalMs: number;
}

export const HYBRID_STORAGE_SETTINGS = Symbol('HYBRID_STORAGE_SETTINGS');

export const DEFAULT_SETTINGS: HybridStorageSettings = {
  defaultTarget: 'both',
  storeTimeoutMs: 15_000,
  downProbeIntervalMs: 5_000,
  backlogChunkRows: 500,
  metadataTimeoutMs: 2_000,
  metadataRetryAfterMs: 30_000,
  replay: { enabled: true, intervalMs: 1_000, entriesPerClaim: 8, leaseMs: 60_000, maxAttempts: 8, backoffInitialMs: 1_000, backoffMaxMs: 300_000 },
  retention: KEEP_FOREVER,
  retentionIntervalMs: 3_600_000,
};

export type HybridStorageSettingsOverrides = Partial<Omit<HybridStorageSettings, 'replay'>> & { replay?: Partial<ReplaySettings> };

export function resolveSettings(
  useCassandra: boolean | undefined,
  overrides: HybridStorageSettingsOverrides = {},
  retention?: { sensorDays: number; meterDays: number; aggregatesDays: number; intervalSeconds: number },
): HybridStorageSettings {
  return {
    ...DEFAULT_SETTINGS,
    defaultTarget: useCassandra === false ? 'postgres' : 'both',
    ...(retention
      ? {
          retention: { sensorDays: retention.sensorDays, meterDays: retention.meterDays, aggregatesDays: retention.aggregatesDays },
          retentionIntervalMs: retention.intervalSeconds * 1000,
        }
      : {}),
    ...overrides,
    replay: { ...DEFAULT_SETTINGS.replay, ...overrides.replay },
  };
}
