import type { RangeDeletion } from '../domain/deletions.model';
import type { MeterReading, SensorReading, Stamped, StoreName } from '../domain/readings.model';

/** Rows of one kind (what the write path, replay and the quarantine carry). */
export type RowsPayload =
  | { kind: 'sensor'; rows: Stamped<SensorReading>[] }
  | { kind: 'meter'; rows: Stamped<MeterReading>[] };

/**
 * Range deletions a store missed. `rows` holds deletions, not readings (the name keeps every
 * backlog adapter's `rows.length` row count meaningful: one per deletion).
 */
export type DeletionPayload = { kind: 'deletion'; rows: RangeDeletion[] };

export type BacklogPayload = RowsPayload | DeletionPayload;
export type BacklogKind = BacklogPayload['kind'];

/** Rows that `target` missed, waiting to be replayed into it. */
export type NewBacklogEntry = BacklogPayload & {
  target: StoreName;
  /** Why the target missed them (the store error), for operators. */
  reason: string;
};

export type BacklogEntry = NewBacklogEntry & {
  /** Opaque, unique within the backlog store that returned it. */
  id: string;
  createdAt: Date;
  /** Replay attempts that failed so far (the store was up but did not take the rows). */
  attempts: number;
};

/** What a failed replay attempt leaves on an entry. */
export interface ReleaseOutcome {
  error: string;
  /** The entry's attempt count from now on. */
  attempts: number;
  /** Not claimed again before this time (per-entry backoff); null: at once. */
  retryAt: Date | null;
}

export interface BacklogTargetStatus {
  target: StoreName;
  entries: number;
  rows: number;
  oldestCreatedAt: Date | null;
}

/**
 * A durable queue of replication work, kept inside one store (`location`) for the other
 * stores. A backlog never holds entries for its own store: when that store is down, so is
 * its backlog.
 *
 * Delivery is at-least-once: an entry may be handed out twice (a crashed replayer, two
 * replayers), which is harmless because store upserts are idempotent.
 */
export interface BacklogStore {
  readonly location: StoreName;
  /** Durably stores the entries (all or an error); returns their ids. */
  append(entries: readonly NewBacklogEntry[]): Promise<string[]>;
  /**
   * Up to `limit` entries for `target` whose retry time has come, oldest first, hidden from
   * other claimers for `leaseMs` where the store supports it. One pass never gets the same
   * entry twice unless it was released without a retry time.
   */
  claim(target: StoreName, limit: number, leaseMs: number): Promise<BacklogEntry[]>;
  /** Removes entries whose rows the target now has (replayed, or set aside in quarantine). */
  complete(entries: readonly BacklogEntry[]): Promise<void>;
  /** Hands an entry back after a failed replay; it stays and is claimed again from `retryAt`. */
  release(entry: BacklogEntry, outcome: ReleaseOutcome): Promise<void>;
  status(): Promise<BacklogTargetStatus[]>;
}

/** DI token: `BacklogStore[]`, one per store that can hold a backlog. */
export const BACKLOG_STORES = Symbol('BACKLOG_STORES');
