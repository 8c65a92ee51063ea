export { timeseriesMigrations } from './migrations';
export { timeseriesGrants } from './timeseries.grants';
export { PostgresTimeSeriesStore } from './postgres-timeseries.store';
export { PostgresBacklogStore } from './postgres-backlog.store';
export { PostgresQuarantineStore } from './postgres-quarantine.store';
export { asPostgresError, refusalsClassified } from './pg.refusal';
export { PostgresTimeseriesModule } from './postgres-timeseries.module';
