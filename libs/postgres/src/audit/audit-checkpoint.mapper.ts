import type { AuditCheckpoint } from '@smartgrid/audit';

export const AUDIT_CHECKPOINT_COLUMNS = 'seq, hash, signed_at, key_id, algorithm, signature';

/** An audit_checkpoints row as the pg driver returns it (bigint as text). */
export interface AuditCheckpointRow {
  seq: string;
  hash: string;
  signed_at: Date;
  key_id: string;
  algorithm: string;
  signature: string;
}

/** audit_checkpoints row ⇄ AuditCheckpoint; used by PostgresAuditCheckpointStore only. */
export class AuditCheckpointMapper {
  static toDomain(r: AuditCheckpointRow): AuditCheckpoint {
    // The CHECK constraint admits Ed25519 only; anything else would not verify anyway.
    return { seq: Number(r.seq), hash: r.hash, signedAt: r.signed_at, keyId: r.key_id, algorithm: 'Ed25519', signature: r.signature };
  }

  /** Bind parameters in AUDIT_CHECKPOINT_COLUMNS order. */
  static toPersistence(c: AuditCheckpoint): unknown[] {
    return [c.seq, c.hash, c.signedAt, c.keyId, c.algorithm, c.signature];
  }
}
