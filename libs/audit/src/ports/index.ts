export { AUDIT_LOG_STORE } from './audit-log-store.port';
export type { AppendOptions, AuditLogStore } from './audit-log-store.port';
export { AUDIT_MIRROR_STORE } from './audit-mirror-store.port';
export type { AuditMirrorStore } from './audit-mirror-store.port';
export { AUDIT_CHECKPOINT_STORE } from './audit-checkpoint-store.port';
export type { AuditCheckpointStore } from './audit-checkpoint-store.port';
