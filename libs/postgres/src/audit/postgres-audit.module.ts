import { Module } from '@nestjs/common';
import { AUDIT_CHECKPOINT_STORE, AUDIT_LOG_STORE } from '@smartgrid/audit';
import { PostgresAuditCheckpointStore } from './postgres-audit-checkpoint.store';
import { PostgresAuditLogStore } from './postgres-audit-log.store';

/**
 * The audit log's PostgreSQL adapters (the chain and its signed checkpoints), bound to their ports. Needs PostgresModule (global
 * DataSource) with `auditMigrations` applied.
 */
@Module({
  providers: [
    { provide: AUDIT_LOG_STORE, useClass: PostgresAuditLogStore },
    { provide: AUDIT_CHECKPOINT_STORE, useClass: PostgresAuditCheckpointStore },
  ],
  exports: [AUDIT_LOG_STORE, AUDIT_CHECKPOINT_STORE],
})
export class PostgresAuditModule {}
