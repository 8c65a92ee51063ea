import { DynamicModule, Module } from '@nestjs/common';
import { CassandraModule } from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { KafkaModule, TOPICS } from '@smartgrid/kafka';
import { PostgresModule } from '@smartgrid/postgres';
import { cqlMigrations, hybridStorage, postgresGrants, postgresMigrations } from '../storage/storage.wiring';

/**
 * The storage stack without HTTP, for the storage CLI: the app's schema and adapters, and
 * Kafka only for commands that change data by hand and so publish an audit event. The
 * replayer does not run on a timer here: `replay` drains once, explicitly, so commands never
 * race it.
 */
@Module({})
export class StorageCliModule {
  static register(options: { audit?: boolean } = {}): DynamicModule {
    return {
      module: StorageCliModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: options.audit ? ['postgres', 'cassandra', 'kafka'] : ['postgres', 'cassandra'] }),
        PostgresModule.forRootAsync({ migrations: postgresMigrations, grants: postgresGrants }),
        CassandraModule.forRootAsync({ migrations: cqlMigrations }),
        ...(options.audit ? [KafkaModule.forRootAsync({ topics: [TOPICS.auditEvents] })] : []),
        hybridStorage({ replay: { enabled: false } }),
      ],
    };
  }
}
