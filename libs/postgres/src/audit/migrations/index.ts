import { CreateAuditLog1767312000000 } from './1767312000000-create-audit-log';
import { AuditHeadAsOwner1796200000000 } from './1796200000000-audit-head-as-owner';
import { CreateAuditCheckpoints1796200000200 } from './1796200000200-create-audit-checkpoints';

/** Audit log, chain head, MongoDB mirror backlog, signed checkpoints. */
export const auditMigrations: Function[] = [CreateAuditLog1767312000000, AuditHeadAsOwner1796200000000, CreateAuditCheckpoints1796200000200];
