import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from '@smartgrid/auth';
import { appFlags, ConfigSection, SmartgridConfigModule } from '@smartgrid/config';
import { SmartgridHttpModule } from '@smartgrid/http';
import { HealthModule } from '@smartgrid/health';
import { KafkaHealthIndicator, KafkaModule, TokenRevocationsModule, TOPICS } from '@smartgrid/kafka';
import { MongoHealthIndicator, MongoModule } from '@smartgrid/mongo';
import { MetricsModule } from '@smartgrid/observability';
import {
  auditGrants, auditMigrations, foundationMigrations, PostgresGrants, PostgresHealthIndicator, PostgresModule, usersGrants, usersMigrations,
} from '@smartgrid/postgres';
import { AuditModule } from './audit/audit.module';
import { LoginModule } from './auth/login.module';
import { UsersModule } from './users/users.module';

// Feature wiring: add a feature's migrations and module here (auth, users, audit...).
/** PostgreSQL migrations, from the libs that own the tables this app uses. */
const postgresMigrations: Function[] = [...foundationMigrations, ...usersMigrations, ...auditMigrations];
/** What this app's PostgreSQL role may do on those tables (applied when POSTGRES_MIGRATION_USER is set). */
const postgresGrants: PostgresGrants[] = [...usersGrants, ...auditGrants];
/** Topics this app consumes or produces; each also gets its `.dlq` twin. */
const topics = [TOPICS.auditEvents];
/** Feature modules (HTTP and Kafka controllers, services); built once the environment is validated. */
const featureModules = (flags: ReturnType<typeof appFlags>): Array<Type | DynamicModule> => [
  // Validation pipe, error body, request ids; then the global JWT guard (health, metrics and docs stay open).
  SmartgridHttpModule,
  AuthModule.forRootAsync(),
  // Revocations from the token-revocations topic (this app publishes them too).
  TokenRevocationsModule,
  AuditModule.forRoot({ mirror: flags.useMongodbAudit }),
  UsersModule,
  LoginModule,
];

/**
 * Readiness: PostgreSQL (users, the audit chain) and Kafka are required; MongoDB only mirrors
 * the audit log, so without it the instance is `degraded` and the mirror catches up later.
 */
const health = (flags: ReturnType<typeof appFlags>) =>
  HealthModule.forApp({
    probes: [
      { name: 'postgres', indicator: PostgresHealthIndicator },
      // Probed only when the app uses MongoDB (USE_MONGODB_AUDIT): otherwise it has no connection.
      ...(flags.useMongodbAudit ? [{ name: 'mongodb', indicator: MongoHealthIndicator }] : []),
      { name: 'kafka', indicator: KafkaHealthIndicator },
    ],
    requireOneOf: [['postgres'], ['kafka']],
  });

/** Variable groups this app cannot start without (validated first thing in createApp). */
export const REQUIRED_CONFIG: ConfigSection[] = ['postgres', 'mongo', 'kafka', 'auth', 'audit'];

/**
 * Built at call time, not import time: SmartgridConfigModule validates the environment when
 * forRoot() runs, and createApp() may set that environment first.
 */
@Module({})
export class AppModule {
  static register(): DynamicModule {
    const flags = appFlags();
    return {
      module: AppModule,
      imports: [
        SmartgridConfigModule.forRoot({ require: REQUIRED_CONFIG }),
        MetricsModule.forRoot(),
        PostgresModule.forRootAsync({ migrations: postgresMigrations, grants: postgresGrants }),
        // Only for the audit copy, which can catch up later: start without it, connect when it answers.
        ...(flags.useMongodbAudit ? [MongoModule.forRootAsync({ connectInBackground: true })] : []),
        KafkaModule.forRootAsync({ topics }),
        health(flags),
        ...featureModules(flags),
      ],
    };
  }
}
