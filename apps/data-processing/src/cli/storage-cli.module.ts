import { DynamicModule, Module } from '@nestjs/common';
import { CassandraModule } from '@smartgrid/cassandra';
import { SmartgridConfigModule } from '@smartgrid/config';
import { KafkaModule, TOPICS } from '@smartgrid/kafka';
import { PostgresModule } from '@smartgrid/postgres';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { RETENTION_TIMER, RetentionJob } from '../storage/retention.job';
import { cqlMigrations, hybridStorage, postgresGrants, postgresMigrations } from '../storage/storage.wiring';

/**
 * The storage stack without HTTP, for the storage CLI: the app's schema and adapters, and
 * Kafka only for commands that change data by hand and so publish an audit event. The
 * replayer does not run on a timer here: `replay` drains once, explicitly, so commands never
 * race it.
 */
@Module({})
export class StorageCliModule {
  /** `audit`: Kafka for audit events; `kafka`: Kafka with the ingest topics too (dead-letter tools, backup, restore). */
  static register(options: { audit?: boolean; kafka?: boolean } = {}): DynamicModule {
    const kafka = options.audit || options.kafka;
    const topics = options.kafka ? [TOPICS.sensorData, TOPICS.meterReadings, TOPICS.auditEvents] : [TOPICS.auditEvents];
    return {
      module: StorageCliModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: kafka ? ['postgres', 'cassandra', 'kafka', 'retention'] : ['postgres', 'cassandra', 'retention'] }),
        PostgresModule.forRootAsync({ migrations: postgresMigrations, grants: postgresGrants }),
        CassandraModule.forRootAsync({ migrations: cqlMigrations }),
        ...(kafka ? [KafkaModule.forRootAsync({ topics })] : []),
        hybridStorage({ replay: { enabled: false } }),
        AggregatesModule,
      ],
      providers: [{ provide: RETENTION_TIMER, useValue: false }, RetentionJob],
    };
  }
}
