import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from '@smartgrid/auth';
import { CassandraHealthIndicator, CassandraModule } from '@smartgrid/cassandra';
import { ConfigSection, SmartgridConfigModule } from '@smartgrid/config';
import { HealthModule } from '@smartgrid/health';
import { KafkaHealthIndicator, KafkaModule, TokenRevocationsModule, TOPICS } from '@smartgrid/kafka';
import { SmartgridHttpModule } from '@smartgrid/http';
import { MongoHealthIndicator, MongoModule } from '@smartgrid/mongo';
import { MetricsModule } from '@smartgrid/observability';
import { PostgresHealthIndicator, PostgresModule } from '@smartgrid/postgres';
import { CustomersModule } from './customers/customers.module';
import { EventsFeatureModule } from './events/events-feature.module';
import { gridEvents } from './events/events.wiring';
import { IngestModule } from './ingest/ingest.module';
import { MetersModule } from './meters/meters.module';
import { DataProcessingMetricsModule } from './metrics/metrics.module';
import { SensorsModule } from './sensors/sensors.module';
import { StorageModule } from './storage/storage.module';
import { cqlMigrations, hybridStorage, postgresGrants, postgresMigrations } from './storage/storage.wiring';

// Feature wiring: a feature's migrations go in storage/storage.wiring.ts, its module below.
/** Topics this app consumes or produces; each also gets its `.dlq` twin. */
const topics = [TOPICS.sensorData, TOPICS.meterReadings, TOPICS.auditEvents, TOPICS.gridEvents];
/** Feature modules (HTTP and Kafka controllers, services). */
const featureModules: Array<Type | DynamicModule> = [
  hybridStorage(),
  // Alarm rules, evaluation on ingest, event history, alarm lifecycle (global services).
  gridEvents(),
  // Bearer tokens from user-management on every /api route; validation pipe and error bodies.
  AuthModule.forRootAsync(),
  // Revoked tokens (disabled, demoted, logged out) refused within seconds of the change.
  TokenRevocationsModule,
  SmartgridHttpModule,
  DataProcessingMetricsModule,
  IngestModule,
  SensorsModule,
  MetersModule,
  CustomersModule,
  StorageModule,
  EventsFeatureModule,
];

/**
 * Readiness: the instance can serve and durably accept work while either time-series store
 * and Kafka answer; with one store down it is `degraded` (the other carries writes, with a
 * backlog) rather than out of service. MongoDB holds device metadata documents and one of the
 * two event histories: without it the instance is `degraded` (metadata routes answer 503,
 * reported changes wait in the registry's inbox, events wait in the delivery backlog), never
 * out of service.
 */
const health = HealthModule.forApp({
  probes: [
    { name: 'postgres', indicator: PostgresHealthIndicator },
    { name: 'cassandra', indicator: CassandraHealthIndicator },
    { name: 'mongodb', indicator: MongoHealthIndicator },
    { name: 'kafka', indicator: KafkaHealthIndicator },
  ],
  requireOneOf: [['postgres', 'cassandra'], ['kafka']],
});

/** Variable groups this app cannot start without (validated first thing in createApp). */
export const REQUIRED_CONFIG: ConfigSection[] = ['postgres', 'cassandra', 'mongo', 'kafka', 'auth', 'retention'];

/**
 * Built at call time, not import time: SmartgridConfigModule validates the environment when
 * forRoot() runs, and createApp() may set that environment first.
 */
@Module({})
export class AppModule {
  static register(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: REQUIRED_CONFIG }),
        MetricsModule.forRoot(),
        // Either store may be down when the app starts: it starts anyway, writes to the other
        // (with a backlog) and connects in the background (readiness says `degraded`).
        PostgresModule.forRootAsync({ migrations: postgresMigrations, grants: postgresGrants, connect: 'background' }),
        CassandraModule.forRootAsync({ migrations: cqlMigrations, connect: 'background' }),
        // Device metadata (the registry), event history and alarm state: start without it, connect when it answers.
        MongoModule.forRootAsync({ connectInBackground: true }),
        KafkaModule.forRootAsync({ topics }),
        health,
        ...featureModules,
      ],
    };
  }
}
