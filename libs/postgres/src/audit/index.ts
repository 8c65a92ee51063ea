export { auditMigrations } from './migrations';
export { auditGrants } from './audit.grants';
export { PostgresAuditLogStore } from './postgres-audit-log.store';
export { PostgresAuditCheckpointStore } from './postgres-audit-checkpoint.store';
export { readAuditDump } from './audit-dump.reader';
export type { AuditDump } from './audit-dump.reader';
export { withAuditTables } from './audit-tables.reader';
export type { AuditTablesAddress } from './audit-tables.reader';
export { PostgresAuditModule } from './postgres-audit.module';
