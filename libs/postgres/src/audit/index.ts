export { auditMigrations } from './migrations';
export { PostgresAuditLogStore } from './postgres-audit-log.store';
export { PostgresAuditModule } from './postgres-audit.module';
