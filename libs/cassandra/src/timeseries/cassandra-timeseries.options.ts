import type { RetentionPolicy } from '@smartgrid/hybrid-storage';

export interface CassandraTimeseriesOptions {
  /** Overrides the retention read from SENSOR_DATA_/METER_READINGS_RETENTION_DAYS (tests). */
  retention?: RetentionPolicy;
  /** Requests in flight per bulk write (default 64). */
  writeConcurrency?: number;
  /**
   * Rows of one partition (a sensor-day, a meter-month) sent together as one UNLOGGED batch
   * (default 50; 1 = one statement per row). A single-partition batch is applied as one
   * mutation by the replica that owns it: fewer requests and less coordinator work, with no
   * batch log (the rows are idempotent upserts, so a partly applied batch is simply retried).
   */
  partitionBatchRows?: number;
}

export const CASSANDRA_TIMESERIES_OPTIONS = Symbol('CASSANDRA_TIMESERIES_OPTIONS');
export const DEFAULT_WRITE_CONCURRENCY = 64;
export const DEFAULT_PARTITION_BATCH_ROWS = 50;
