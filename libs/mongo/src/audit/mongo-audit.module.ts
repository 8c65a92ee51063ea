import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AUDIT_MIRROR_STORE } from '@smartgrid/audit';
import { AUDIT_MODEL, AuditDocumentSchema } from './audit.schema';
import { MongoAuditMirrorStore } from './mongo-audit-mirror.store';

/** The audit log's MongoDB adapter, bound to its port. Needs MongoModule.forRootAsync in the app. */
@Module({
  imports: [MongooseModule.forFeature([{ name: AUDIT_MODEL, schema: AuditDocumentSchema }])],
  providers: [{ provide: AUDIT_MIRROR_STORE, useClass: MongoAuditMirrorStore }],
  exports: [AUDIT_MIRROR_STORE],
})
export class MongoAuditModule {}
