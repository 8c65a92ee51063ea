import type { AuditEntry, ChainHead } from '../audit-entry.model';
import type { AuditFilter } from '../audit-filter.model';
import type { Transaction } from '../transaction.port';

export interface AppendOptions {
  /** Run inside the caller's transaction (e.g. together with the user change it records). */
  tx?: Transaction;
  /** Also queue the new entries for the MongoDB mirror (same transaction). */
  enqueueMirror: boolean;
}

/**
 * The record of the audit log: the hash chain in PostgreSQL, append-only (the database
 * refuses updates and deletes), plus the backlog of entries still to be copied to the mirror.
 * Knows storage, not hashing: `append` hands the locked chain head to the caller, who builds
 * the hashed entries (see extendChain).
 *
 * Errors: a value the store refuses for good is an AuditEntryRejectedError; anything else
 * (store unreachable) is passed through and worth retrying.
 */
export interface AuditLogStore {
  /** Runs `work` in one transaction; entries appended with its `tx` commit with the work. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Locks the chain head (serialising every appender until commit), lets `build` produce the
   * next entries from it, and inserts them. Without `options.tx`, runs in its own transaction.
   */
  append(build: (head: ChainHead, tx: Transaction) => AuditEntry[] | Promise<AuditEntry[]>, options: AppendOptions): Promise<AuditEntry[]>;
  /** Which of these entry ids are already stored (for idempotent Kafka redelivery). */
  existingIds(ids: string[], tx?: Transaction): Promise<Set<string>>;
  head(tx?: Transaction): Promise<ChainHead>;
  /**
   * Runs `fn` in a read-only snapshot: the head and every page read with its `tx` are
   * consistent with each other, so appends made meanwhile are neither half-seen nor taken for
   * tampering.
   */
  inSnapshot<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Every entry in seq order, in pages, exactly as stored (for verification). */
  readInOrder(tx?: Transaction, pageSize?: number): AsyncGenerator<AuditEntry[]>;
  /** Newest first. */
  find(filter: AuditFilter): Promise<AuditEntry[]>;
  count(): Promise<number>;

  // The mirror backlog: entries committed but not yet acknowledged by the mirror.
  /** The oldest entries still waiting for the mirror. */
  backlogBatch(limit: number): Promise<AuditEntry[]>;
  removeFromBacklog(seqs: number[]): Promise<void>;
  noteBacklogFailure(seqs: number[], error: string): Promise<void>;
  /** Queues every entry after `seq` (entries written while the mirror was switched off). */
  enqueueAfter(seq: number): Promise<void>;
  /** The oldest entry not yet mirrored (every older entry is in the mirror), or null. */
  oldestPendingSeq(): Promise<number | null>;
  backlogSize(): Promise<number>;
}

/** DI token of the AuditLogStore. */
export const AUDIT_LOG_STORE = Symbol('AUDIT_LOG_STORE');
