import type { AuditEntry } from '../audit-entry.model';
import type { AuditFilter } from '../audit-filter.model';

/**
 * The copy of the audit log in a document store (MongoDB): one document per entry, keyed by
 * the entry id, for flexible queries on free-form details and as an anchor outside PostgreSQL
 * when verifying the chain. Optional: absent when USE_MONGODB_AUDIT=false.
 */
export interface AuditMirrorStore {
  /** Stores each entry unless its id is there already, so copying again never duplicates. */
  insertMissing(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first. */
  find(filter: AuditFilter): Promise<AuditEntry[]>;
  findBySeq(seq: number): Promise<AuditEntry | null>;
  /** The highest seq held (0 when empty). */
  maxSeq(): Promise<number>;
  /** Creates the collection and its indexes if missing (e.g. the store was down at start-up). */
  ensureIndexes(): Promise<void>;
  /** True while the driver holds a connection (cheap; no round trip). */
  isConnected(): boolean;
}

/** DI token of the AuditMirrorStore (not bound when the mirror is switched off). */
export const AUDIT_MIRROR_STORE = Symbol('AUDIT_MIRROR_STORE');
