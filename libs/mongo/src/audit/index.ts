export { MongoAuditModule } from './mongo-audit.module';
export { MongoAuditMirrorStore } from './mongo-audit-mirror.store';
export { AUDIT_COLLECTION, AUDIT_MODEL, AuditDocumentSchema } from './audit.schema';
