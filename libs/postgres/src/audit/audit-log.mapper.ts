import type { AuditEntry } from '@smartgrid/audit';

/** The audit_log columns, in the order toPersistence writes them. */
export const AUDIT_LOG_COLUMNS =
  'seq, id, occurred_at, recorded_at, actor, action, resource, origin, request_id, client_address, details, prev_hash, hash';
export const AUDIT_LOG_COLUMN_COUNT = 13;
/** Position of `details` in AUDIT_LOG_COLUMNS (bound as text, cast to jsonb). */
export const AUDIT_LOG_DETAILS_INDEX = 10;

/** An audit_log row as the pg driver returns it (bigint seq as text). */
export interface AuditLogRow {
  seq: string;
  id: string;
  occurred_at: Date;
  recorded_at: Date;
  actor: string;
  action: string;
  resource: string;
  origin: string;
  request_id: string | null;
  client_address: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** audit_log row ⇄ AuditEntry; used by PostgresAuditLogStore only. */
export class AuditLogMapper {
  static toDomain(r: AuditLogRow): AuditEntry {
    return {
      seq: Number(r.seq),
      id: r.id,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      actor: r.actor,
      action: r.action,
      resource: r.resource,
      origin: r.origin,
      requestId: r.request_id,
      clientAddress: r.client_address,
      details: r.details,
      prevHash: r.prev_hash,
      hash: r.hash,
    };
  }

  /** Bind parameters in AUDIT_LOG_COLUMNS order. */
  static toPersistence(e: AuditEntry): unknown[] {
    return [
      e.seq, e.id, e.occurredAt, e.recordedAt, e.actor, e.action, e.resource, e.origin,
      e.requestId, e.clientAddress, JSON.stringify(e.details), e.prevHash, e.hash,
    ];
  }
}
