export { timeseriesMigrations } from './migrations';
export { PostgresTimeSeriesStore } from './postgres-timeseries.store';
export { PostgresBacklogStore } from './postgres-backlog.store';
export { PostgresTimeseriesModule } from './postgres-timeseries.module';
