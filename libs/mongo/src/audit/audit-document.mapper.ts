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
      actor: d.actor,
      action: d.action,
      resource: d.resource,
      origin: d.origin,
      requestId: d.requestId ?? null,
      clientAddress: d.clientAddress ?? null,
      details: d.details ?? {},
      prevHash: d.prevHash,
      hash: d.hash,
    };
  }

  static toPersistence(e: AuditEntry): AuditDocument {
    return {
      _id: e.id,
      seq: e.seq,
      timestamp: e.occurredAt,
      recordedAt: e.recordedAt,
      actor: e.actor,
      action: e.action,
      resource: e.resource,
      origin: e.origin,
      requestId: e.requestId,
      clientAddress: e.clientAddress,
      details: e.details,
      prevHash: e.prevHash,
      hash: e.hash,
    };
  }
}
