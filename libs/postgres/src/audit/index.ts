export { auditMigrations } from './migrations';
export { auditGrants } from './audit.grants';
export { PostgresAuditLogStore } from './postgres-audit-log.store';
export { PostgresAuditModule } from './postgres-audit.module';
