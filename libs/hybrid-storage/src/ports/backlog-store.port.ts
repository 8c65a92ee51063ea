import type { MeterReading, SensorReading, Stamped, StoreName } from '../domain/readings';

export type BacklogPayload =
  | { kind: 'sensor'; rows: Stamped<SensorReading>[] }
  | { kind: 'meter'; rows: Stamped<MeterReading>[] };

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
  attempts: number;
};

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
   * Up to `limit` entries for `target`, oldest first, hidden from other claimers for
   * `leaseMs` where the store supports it.
   */
  claim(target: StoreName, limit: number, leaseMs: number): Promise<BacklogEntry[]>;
  /**
   * Removes replayed entries. Called with a prefix of what one claim returned, in claim order
   * (the replayer stops at the first failure), which lets a store delete a range at once.
   */
  complete(entries: readonly BacklogEntry[]): Promise<void>;
  /** Records a failed replay attempt; the entry stays and is retried later. */
  release(entry: BacklogEntry, error: string): Promise<void>;
  status(): Promise<BacklogTargetStatus[]>;
}

/** DI token: `BacklogStore[]`, one per store that can hold a backlog. */
export const BACKLOG_STORES = Symbol('BACKLOG_STORES');
