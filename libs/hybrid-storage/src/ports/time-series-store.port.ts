import type { RangeDeletion } from '../domain/deletions.model';
import type { MeterReading, SensorReading, SeriesKind, Stamped, StoreName } from '../domain/readings.model';

/** Rows of one series in [from, to), newest first; no limit means every row. */
export interface SeriesQuery {
  id: string;
  from: Date;
  to: Date;
  limit?: number;
}

/**
 * A store that holds sensor and meter series. Adapters are thin: they map rows and run bulk
 * statements; fallback, backlog, replay and source tagging live in HybridStorageService.
 *
 * Upserts are idempotent on the natural key (id, timestamp) and keep the row with the larger
 * `writtenAtUs`, so the same rows may be sent any number of times, in any order.
 */
export interface TimeSeriesStore {
  readonly name: StoreName;
  /** Resolves when the store answers a trivial query and its schema is in place; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Upserts reject with StoreRefusedError when the store refuses the rows themselves (retrying
   * them cannot help); any other rejection means the store is unavailable for now.
   */
  upsertSensorReadings(rows: readonly Stamped<SensorReading>[]): Promise<void>;
  upsertMeterReadings(rows: readonly Stamped<MeterReading>[]): Promise<void>;
  querySensorReadings(q: SeriesQuery): Promise<Stamped<SensorReading>[]>;
  queryMeterReadings(q: SeriesQuery): Promise<Stamped<MeterReading>[]>;
  /** Ids with at least one reading in [from, to): the work list of backfill and reconcile. */
  listSensorIds(from: Date, to: Date): Promise<string[]>;
  listMeterIds(from: Date, to: Date): Promise<string[]>;
  /**
   * Applies a range deletion durably (idempotent: applying it again changes nothing): removes
   * the series' rows in [from, to) written at or before `deletedAtUs`, and from then on never
   * stores such a row again, whichever path brings it (replay, backfill, repair). Resolves to
   * the rows removed when the store can tell, else null. Rejects when the store is unavailable.
   */
  deleteRange(d: RangeDeletion): Promise<{ rows: number | null }>;
  /** Deletions this store has applied that overlap [from, to) for one series. */
  listDeletions(kind: SeriesKind, id: string, from: Date, to: Date): Promise<RangeDeletion[]>;
  /**
   * Enforces retention where the store does it by itself on a schedule (PostgreSQL drops
   * whole monthly partitions that end at or before `horizon`; Cassandra expires rows by TTL
   * and does nothing here). Also forgets deletions that end before the horizon (the rows they
   * shadow can no longer be written). Returns what was dropped, for the log.
   */
  dropExpired(kind: SeriesKind, horizon: Date): Promise<string[]>;
}

/** DI token: `TimeSeriesStore[]`, one per configured store. */
export const TIME_SERIES_STORES = Symbol('TIME_SERIES_STORES');
