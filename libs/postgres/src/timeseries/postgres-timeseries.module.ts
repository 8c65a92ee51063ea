import { Module } from '@nestjs/common';
import { PostgresBacklogStore } from './postgres-backlog.store';
import { PostgresTimeSeriesStore } from './postgres-timeseries.store';

/**
 * PostgreSQL adapters for HybridStorageModule. Needs PostgresModule (global DataSource) with
 * `timeseriesMigrations` applied.
 */
@Module({
  providers: [PostgresTimeSeriesStore, PostgresBacklogStore],
  exports: [PostgresTimeSeriesStore, PostgresBacklogStore],
})
export class PostgresTimeseriesModule {}
