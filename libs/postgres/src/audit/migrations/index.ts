import { CreateAuditLog1767312000000 } from './1767312000000-create-audit-log';

/** Audit log, chain head, MongoDB mirror backlog. */
export const auditMigrations: Function[] = [CreateAuditLog1767312000000];
