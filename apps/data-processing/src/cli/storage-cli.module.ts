import { DynamicModule, Module } from '@nestjs/common';
import {
  CassandraBacklogStore,
  CassandraModule,
  CassandraTimeSeriesStore,
  CassandraTimeseriesModule,
  timeseriesCqlMigrations,
} from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { HybridStorageModule } from '@smartgrid/hybrid-storage';
import { foundationMigrations, PostgresBacklogStore, PostgresModule, PostgresTimeSeriesStore, PostgresTimeseriesModule, timeseriesMigrations } from '@smartgrid/postgres';

/**
 * The storage stack without HTTP or Kafka, for the storage CLI. The replayer does not run on a
 * timer here: `replay` drains once, explicitly, so commands never race it.
 */
@Module({})
export class StorageCliModule {
  static register(): DynamicModule {
    return {
      module: StorageCliModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: ['postgres', 'cassandra'] }),
        PostgresModule.forRootAsync({ migrations: [...foundationMigrations, ...timeseriesMigrations] }),
        CassandraModule.forRootAsync({ migrations: timeseriesCqlMigrations }),
        HybridStorageModule.forRootAsync({
          imports: [PostgresTimeseriesModule, CassandraTimeseriesModule],
          stores: [PostgresTimeSeriesStore, CassandraTimeSeriesStore],
          backlogs: [PostgresBacklogStore, CassandraBacklogStore],
          settings: { replay: { enabled: false } },
        }),
      ],
    };
  }
}
