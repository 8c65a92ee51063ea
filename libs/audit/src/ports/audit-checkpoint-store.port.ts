import type { AuditCheckpoint } from '../checkpoint.model';

/**
 * Where signed checkpoints are kept next to the chain (PostgreSQL, append-only). They are also
 * published outside the databases (Kafka `audit-checkpoints`); this copy serves the API and
 * the in-app verification.
 */
export interface AuditCheckpointStore {
  append(checkpoint: AuditCheckpoint): Promise<void>;
  /** Newest first; keyset pagination on the store's own order (`before`: a previous page's cursor). */
  list(limit: number, before?: number): Promise<{ checkpoint: AuditCheckpoint; cursor: number }[]>;
  /** Every checkpoint, oldest first (for verification). */
  all(): Promise<AuditCheckpoint[]>;
  latest(): Promise<AuditCheckpoint | null>;
}

/** DI token of the AuditCheckpointStore. */
export const AUDIT_CHECKPOINT_STORE = Symbol('AUDIT_CHECKPOINT_STORE');
