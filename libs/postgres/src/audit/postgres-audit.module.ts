import { Module } from '@nestjs/common';
import { AUDIT_LOG_STORE } from '@smartgrid/audit';
import { PostgresAuditLogStore } from './postgres-audit-log.store';

/**
 * The audit log's PostgreSQL adapter, bound to its port. Needs PostgresModule (global
 * DataSource) with `auditMigrations` applied.
 */
@Module({
  providers: [{ provide: AUDIT_LOG_STORE, useClass: PostgresAuditLogStore }],
  exports: [AUDIT_LOG_STORE],
})
export class PostgresAuditModule {}
