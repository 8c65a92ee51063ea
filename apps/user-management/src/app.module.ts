import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from '@smartgrid/auth';
import { ConfigSection, SmartgridConfigModule } from '@smartgrid/config';
import { SmartgridHttpModule } from '@smartgrid/http';
import { KafkaModule, TOPICS } from '@smartgrid/kafka';
import { MongoModule } from '@smartgrid/mongo';
import { MetricsModule } from '@smartgrid/observability';
import { auditMigrations, foundationMigrations, PostgresModule, usersMigrations } from '@smartgrid/postgres';
import { AuditModule } from './audit/audit.module';
import { LoginModule } from './auth/login.module';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';

// Feature wiring: add a feature's migrations and module here (auth, users, audit...).
/** PostgreSQL migrations, from the libs that own the tables this app uses. */
const postgresMigrations: Function[] = [...foundationMigrations, ...usersMigrations, ...auditMigrations];
/** Topics this app consumes or produces; each also gets its `.dlq` twin. */
const topics = [TOPICS.auditEvents];
/** Feature modules (HTTP and Kafka controllers, services). */
const featureModules: Array<Type | DynamicModule> = [
  // Validation pipe, error body, request ids; then the global JWT guard (health, metrics and docs stay open).
  SmartgridHttpModule,
  AuthModule.forRootAsync(),
  AuditModule,
  UsersModule,
  LoginModule,
];

/** Variable groups this app cannot start without (validated first thing in createApp). */
export const REQUIRED_CONFIG: ConfigSection[] = ['postgres', 'mongo', 'kafka', 'auth'];

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
        MetricsModule,
        PostgresModule.forRootAsync({ migrations: postgresMigrations }),
        MongoModule.forRootAsync(),
        KafkaModule.forRootAsync({ topics }),
        HealthModule,
        ...featureModules,
      ],
    };
  }
}
