import { auditAction } from '@smartgrid/audit';
import type { AuditEntry } from '@smartgrid/audit';
import type { AuditDocument } from './audit.schema';

/** AuditEntry ⇄ audit_log document; used by MongoAuditMirrorStore only. */
export class AuditDocumentMapper {
  static toDomain(d: AuditDocument): AuditEntry {
    return {
      seq: d.seq,
      id: d._id,
      occurredAt: new Date(d.timestamp),
      recordedAt: new Date(d.recordedAt),
      // A field the document lacks reads as the chain records an absent one.
      ...auditAction(d),
      prevHash: d.prevHash,
      hash: d.hash,
    };
  }

  static toPersistence(e: AuditEntry): AuditDocument {
    return { _id: e.id, seq: e.seq, timestamp: e.occurredAt, recordedAt: e.recordedAt, ...auditAction(e), prevHash: e.prevHash, hash: e.hash };
  }
}
