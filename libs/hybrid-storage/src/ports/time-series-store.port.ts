import type { MeterReading, SensorReading, Stamped, StoreName } from '../domain/readings.model';

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
}

/** DI token: `TimeSeriesStore[]`, one per configured store. */
export const TIME_SERIES_STORES = Symbol('TIME_SERIES_STORES');
