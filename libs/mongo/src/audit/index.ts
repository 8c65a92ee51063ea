export { AuditMongoModule } from './audit-mongo.module';
export { AuditMongoRepository } from './audit-mongo.repository';
export type { AuditDocumentFilter } from './audit-mongo.repository';
export { AUDIT_COLLECTION, AUDIT_MODEL, AuditDocumentSchema } from './audit.schema';
export type { AuditDocument } from './audit.schema';
