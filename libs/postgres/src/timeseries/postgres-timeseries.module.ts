import { Module } from '@nestjs/common';
import { PostgresBacklogStore } from './postgres-backlog.store';
import { PostgresQuarantineStore } from './postgres-quarantine.store';
import { PostgresTimeSeriesStore } from './postgres-timeseries.store';

/**
 * PostgreSQL adapters for HybridStorageModule. Needs PostgresModule (global DataSource) with
 * `timeseriesMigrations` applied.
 */
@Module({
  providers: [PostgresTimeSeriesStore, PostgresBacklogStore, PostgresQuarantineStore],
  exports: [PostgresTimeSeriesStore, PostgresBacklogStore, PostgresQuarantineStore],
})
export class PostgresTimeseriesModule {}
