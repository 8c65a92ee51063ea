import { Module } from '@nestjs/common';
import { AuditMongoModule } from '@smartgrid/mongo';
import { AuditPgRepository } from '@smartgrid/postgres';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditMirrorService } from './audit-mirror.service';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';
import { AuditController } from './audit.controller';
import { AuditMetrics } from './audit.metrics';
import { AuditService } from './audit.service';

const httpControllers = [AuditController];
const messageControllers = [AuditEventsController];
const repositories = [AuditPgRepository];

/**
 * The audit log: hash-chained entries in PostgreSQL (migrations: `auditMigrations`), the
 * MongoDB copy and its backlog, queries, verification, and the audit-events consumer.
 * Needs PostgresModule, MongoModule, KafkaModule and MetricsModule in the app.
 */
@Module({
  imports: [AuditMongoModule],
  controllers: [...httpControllers, ...messageControllers],
  providers: [...repositories, AuditMetrics, AuditService, AuditMirrorService, AuditQueryService, AuditVerifyService, AuditEventsService],
  exports: [AuditService, AuditMetrics, AuditMirrorService],
})
export class AuditModule {}
