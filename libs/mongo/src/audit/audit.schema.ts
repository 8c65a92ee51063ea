import { Schema } from 'mongoose';
import { keyedDocumentSchema } from '../keyed-document.schema';

export const AUDIT_MODEL = 'AuditLogEntry';
export const AUDIT_COLLECTION = 'audit_log';

/** The MongoDB copy of one audit entry; `_id` is the entry id, so a copy can exist only once. */
export interface AuditDocument {
  _id: string;
  seq: number;
  timestamp: Date;
  recordedAt: Date;
  actor: string;
  action: string;
  resource: string;
  origin: string;
  requestId: string | null;
  clientAddress: string | null;
  /** Free-form metadata (e.g. field-level diffs): queried by path, e.g. `details.changes.role.to`. */
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const AuditDocumentSchema = keyedDocumentSchema<AuditDocument>(AUDIT_COLLECTION, {
  seq: { type: Number, required: true },
  timestamp: { type: Date, required: true },
  recordedAt: { type: Date, required: true },
  actor: { type: String, required: true },
  action: { type: String, required: true },
  resource: { type: String, required: true },
  origin: { type: String, required: true },
  requestId: { type: String, default: null },
  clientAddress: { type: String, default: null },
  details: { type: Schema.Types.Mixed, default: {} },
  prevHash: { type: String, required: true },
  hash: { type: String, required: true },
});

// The query paths of GET /api/audit-logs: by actor, action or resource within a time range,
// newest first; seq is unique too, a second guard against duplicates.
AuditDocumentSchema.index({ seq: 1 }, { unique: true, name: 'audit_seq_unique' });
AuditDocumentSchema.index({ actor: 1, timestamp: -1 }, { name: 'audit_actor_time' });
AuditDocumentSchema.index({ action: 1, timestamp: -1 }, { name: 'audit_action_time' });
AuditDocumentSchema.index({ resource: 1, timestamp: -1 }, { name: 'audit_resource_time' });
AuditDocumentSchema.index({ timestamp: -1 }, { name: 'audit_time' });
