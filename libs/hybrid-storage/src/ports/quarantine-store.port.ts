import type { StoreName } from '../domain/readings.model';
import type { BacklogTargetStatus, RowsPayload } from './backlog-store.port';

/** Rows `target` refused, set aside so that nothing behind them waits (never deletions: those are retried until applied). */
export type NewQuarantineEntry = RowsPayload & {
  target: StoreName;
  /** The target's reason (its error message). */
  reason: string;
  /** Replay attempts before the rows were set aside (0 when refused on the first write). */
  attempts: number;
  /** When the rows first missed the target. */
  firstFailedAt: Date;
};

export type QuarantineEntry = NewQuarantineEntry & {
  /** Unique within the quarantine store that returned it; opaque. */
  id: string;
  quarantinedAt: Date;
  /** Retries asked for by an operator since the rows were set aside, and the last outcome. */
  retries: number;
  lastError: string | null;
};

/**
 * A durable holding area for rows a store refused, kept (like the backlog) in a store other
 * than the one that refused them. Entries stay until an operator retries them successfully
 * or discards them; nothing reads them automatically.
 */
export interface QuarantineStore {
  readonly location: StoreName;
  add(entries: readonly NewQuarantineEntry[]): Promise<string[]>;
  /** Oldest first; `after` is an id returned earlier by this store (a cursor). */
  list(q: { target?: StoreName; limit: number; after?: string }): Promise<QuarantineEntry[]>;
  get(id: string): Promise<QuarantineEntry | null>;
  /** Records a retry that the target refused again. */
  recordRetry(id: string, error: string): Promise<void>;
  /** Removes an entry; false when it was not there (already removed elsewhere). */
  remove(id: string): Promise<boolean>;
  status(): Promise<BacklogTargetStatus[]>;
}

/** DI token: `QuarantineStore[]`, one per store that can hold a quarantine. */
export const QUARANTINE_STORES = Symbol('QUARANTINE_STORES');
