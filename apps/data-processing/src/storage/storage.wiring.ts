import { DynamicModule } from '@nestjs/common';
import {
  CassandraBacklogStore,
  CassandraQuarantineStore,
  CassandraTimeSeriesStore,
  CassandraTimeseriesModule,
  CqlMigration,
  eventsCqlMigrations,
  timeseriesCqlMigrations,
} from '@smartgrid/cassandra';
import { HybridStorageModule, HybridStorageSettingsOverrides } from '@smartgrid/hybrid-storage';
import {
  aggregatesGrants,
  aggregatesMigrations,
  eventsGrants,
  eventsMigrations,
  foundationMigrations,
  PostgresGrants,
  PostgresBacklogStore,
  PostgresQuarantineStore,
  PostgresTimeSeriesStore,
  PostgresTimeseriesModule,
  registryGrants,
  timeseriesGrants,
  timeseriesMigrations,
} from '@smartgrid/postgres';

// The storage stack of data-processing, shared by the app and the storage CLI so both always
// apply the same schema and bind the same adapters.

/** PostgreSQL migrations, from the libs that own the tables this app uses. */
export const postgresMigrations: Function[] = [...foundationMigrations, ...timeseriesMigrations, ...aggregatesMigrations, ...eventsMigrations];
/** What this app's PostgreSQL role may do on those tables (nothing on users or the audit log). */
export const postgresGrants: PostgresGrants[] = [...timeseriesGrants, ...registryGrants, ...aggregatesGrants, ...eventsGrants];

/** Cassandra CQL migrations (versions unique across all arrays). */
export const cqlMigrations: CqlMigration[] = [...timeseriesCqlMigrations, ...eventsCqlMigrations];

/**
 * Time series in PostgreSQL and Cassandra behind HybridStorageService (global); each store
 * holds the replication backlog of the other.
 */
export function hybridStorage(settings?: HybridStorageSettingsOverrides): DynamicModule {
  return HybridStorageModule.forRootAsync({
    imports: [PostgresTimeseriesModule, CassandraTimeseriesModule.register()],
    stores: [PostgresTimeSeriesStore, CassandraTimeSeriesStore],
    backlogs: [PostgresBacklogStore, CassandraBacklogStore],
    quarantines: [PostgresQuarantineStore, CassandraQuarantineStore],
    ...(settings ? { settings } : {}),
  });
}
