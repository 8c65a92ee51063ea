import { DynamicModule, Module } from '@nestjs/common';
import { AuditCheckpointsPublisher } from '@smartgrid/kafka';
import { MongoAuditModule } from '@smartgrid/mongo';
import { PostgresAuditModule } from '@smartgrid/postgres';
import { AuditEventsController } from './audit-events.controller';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditEventsService } from './audit-events.service';
import { AuditMirrorService } from './audit-mirror.service';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';
import { AuditController } from './audit.controller';
import { AuditMetrics } from './audit.metrics';
import { AuditService } from './audit.service';

const httpControllers = [AuditController];
const messageControllers = [AuditEventsController];

export interface AuditModuleOptions {
  /** Copy entries to MongoDB and query there (USE_MONGODB_AUDIT); needs MongoModule in the app. */
  mirror: boolean;
}

/**
 * The audit log: hash-chained entries in PostgreSQL (migrations: `auditMigrations`), the
 * MongoDB copy and its backlog, queries, verification, signed checkpoints (published on Kafka
 * `audit-checkpoints`), and the audit-events consumer.
 * Global, so every feature can record entries. Needs PostgresModule, KafkaModule and
 * MetricsModule in the app, and MongoModule when `mirror` is on.
 */
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      // Without the mirror, AUDIT_MIRROR_STORE is not bound: nothing touches MongoDB.
      imports: [PostgresAuditModule, ...(options.mirror ? [MongoAuditModule] : [])],
      controllers: [...httpControllers, ...messageControllers],
      providers: [AuditMetrics, AuditService, AuditMirrorService, AuditQueryService, AuditVerifyService, AuditEventsService, AuditCheckpointService, AuditCheckpointsPublisher],
      exports: [AuditService, AuditMetrics, AuditMirrorService],
    };
  }
}
