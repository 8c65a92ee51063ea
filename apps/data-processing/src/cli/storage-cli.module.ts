import { DynamicModule, Module } from '@nestjs/common';
import { CassandraModule } from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { PostgresModule } from '@smartgrid/postgres';
import { cqlMigrations, hybridStorage, postgresMigrations } from '../storage/storage.wiring';

/**
 * The storage stack without HTTP or Kafka, for the storage CLI: the app's schema and adapters.
 * The replayer does not run on a timer here: `replay` drains once, explicitly, so commands
 * never race it.
 */
@Module({})
export class StorageCliModule {
  static register(): DynamicModule {
    return {
      module: StorageCliModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: ['postgres', 'cassandra'] }),
        PostgresModule.forRootAsync({ migrations: postgresMigrations }),
        CassandraModule.forRootAsync({ migrations: cqlMigrations }),
        hybridStorage({ replay: { enabled: false } }),
      ],
    };
  }
}
