export interface CassandraTimeseriesOptions {
  /** Statements in flight per bulk write (default 64). */
  writeConcurrency?: number;
}

export const CASSANDRA_TIMESERIES_OPTIONS = Symbol('CASSANDRA_TIMESERIES_OPTIONS');
export const DEFAULT_WRITE_CONCURRENCY = 64;
