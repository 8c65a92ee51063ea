import { CreateAuditLog1767312000000 } from './1767312000000-create-audit-log';
import { AuditHeadAsOwner1796100000000 } from './1796100000000-audit-head-as-owner';

/** Audit log, chain head, MongoDB mirror backlog. */
export const auditMigrations: Function[] = [CreateAuditLog1767312000000, AuditHeadAsOwner1796100000000];
