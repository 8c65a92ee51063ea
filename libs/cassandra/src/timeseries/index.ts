export { timeseriesCqlMigrations, HISTORY_TABLES } from './timeseries.migrations';
export { CassandraTimeSeriesStore, dayBucket, monthBucket } from './cassandra-timeseries.store';
export { CassandraBacklogStore } from './cassandra-backlog.store';
export { CassandraQuarantineStore } from './cassandra-quarantine.store';
export { asCassandraError } from './cassandra.refusal';
export { CassandraTimeseriesRetention } from './cassandra-timeseries.retention';
export { CassandraTimeseriesModule } from './cassandra-timeseries.module';
export { CASSANDRA_TIMESERIES_OPTIONS, DEFAULT_WRITE_CONCURRENCY } from './cassandra-timeseries.options';
export type { CassandraTimeseriesOptions } from './cassandra-timeseries.options';
