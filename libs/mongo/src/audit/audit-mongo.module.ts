import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditMongoRepository } from './audit-mongo.repository';
import { AUDIT_MODEL, AuditDocumentSchema } from './audit.schema';

/** Import where the audit log is used (needs MongoModule.forRootAsync in the app). */
@Module({
  imports: [MongooseModule.forFeature([{ name: AUDIT_MODEL, schema: AuditDocumentSchema }])],
  providers: [AuditMongoRepository],
  exports: [AuditMongoRepository],
})
export class AuditMongoModule {}
