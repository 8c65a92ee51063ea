import { DynamicModule } from '@nestjs/common';
import {
  CassandraBacklogStore,
  CassandraModule,
  CassandraQuarantineStore,
  CassandraTimeSeriesStore,
  CassandraTimeseriesModule,
  timeseriesCqlMigrations,
} from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { HybridStorageModule, HybridStorageSettingsOverrides } from '@smartgrid/hybrid-storage';
import { MongoEventsModule, MongoMetadataModule, MongoModule, MongoSensorMetadataStore } from '@smartgrid/mongo';
import {
  foundationMigrations,
  PostgresBacklogStore,
  PostgresModule,
  PostgresQuarantineStore,
  PostgresTimeSeriesStore,
  PostgresTimeseriesModule,
  timeseriesMigrations,
} from '@smartgrid/postgres';

export interface TimeseriesStorageOptions {
  settings: HybridStorageSettingsOverrides;
  /** Also MongoDB, holding the sensor descriptions (the hybrid-storage e2e specs); the benches leave it out. */
  mongo?: boolean;
}

/**
 * The time-series storage alone, as data-processing wires it (config, the store modules with
 * the time-series schema, the adapters, HybridStorageModule), for the specs and benches that
 * measure or break it without the rest of the app. The stores are the ones the env names.
 */
export function timeseriesStorageImports({ settings, mongo = false }: TimeseriesStorageOptions): DynamicModule[] {
  return [
    SmartgridConfigModule.forRoot({ require: mongo ? ['postgres', 'cassandra', 'mongo'] : ['postgres', 'cassandra'] }),
    PostgresModule.forRootAsync({ migrations: [...foundationMigrations, ...timeseriesMigrations] }),
    CassandraModule.forRootAsync({ migrations: timeseriesCqlMigrations }),
    ...(mongo ? [MongoModule.forRootAsync()] : []),
    HybridStorageModule.forRootAsync({
      imports: [PostgresTimeseriesModule, CassandraTimeseriesModule, ...(mongo ? [MongoMetadataModule, MongoEventsModule] : [])],
      stores: [PostgresTimeSeriesStore, CassandraTimeSeriesStore],
      backlogs: [PostgresBacklogStore, CassandraBacklogStore],
      quarantines: [PostgresQuarantineStore, CassandraQuarantineStore],
      ...(mongo ? { sensorMetadata: MongoSensorMetadataStore } : {}),
      settings,
    }),
  ];
}
