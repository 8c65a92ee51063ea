export { auditMigrations } from './migrations';
export { AuditPgRepository, auditRowFromDb } from './audit-pg.repository';
export type { AppendOptions, AuditDbRow } from './audit-pg.repository';
export type { AuditRow, AuditRowFilter, ChainHead } from './audit-row';
