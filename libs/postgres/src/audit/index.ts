export { auditMigrations } from './migrations';
export { AuditPgRepository } from './audit-pg.repository';
export type { AppendOptions } from './audit-pg.repository';
export type { AuditRow, AuditRowFilter, ChainHead } from './audit-row';
