import type { GridEvent } from '../domain/grid-event.model';
import type { EventOrigin } from './alarm-store.port';

/** Where a recorded event still has to go: the two history stores, and Kafka for events no batch publishes. */
export const DELIVERY_TARGETS = ['cassandra', 'mongodb', 'kafka'] as const;
export type DeliveryTarget = (typeof DELIVERY_TARGETS)[number];

/** An event a target has not taken yet. */
export interface PendingDelivery {
  /** Opaque, unique within the ledger. */
  id: string;
  target: DeliveryTarget;
  event: GridEvent;
  /** Failed attempts so far while the target answered. */
  attempts: number;
  createdAt: Date;
}

export interface DeliveryTargetStatus {
  target: DeliveryTarget;
  pending: number;
  /** Events the target refused (kept, not retried by themselves). */
  refused: number;
  oldestPendingAt: Date | null;
}

/**
 * The ledger of recorded events and their delivery backlog (PostgreSQL). An event is recorded
 * once per id, with one backlog entry per target that still has to take it; entries go when
 * the target has it. Claims lease entries (FOR UPDATE SKIP LOCKED), so several instances
 * drain it without taking each other's entries.
 */
export interface EventLedger {
  /** Records events not recorded yet (by id) for every target; returns those recorded now. */
  record(events: readonly GridEvent[], origin: EventOrigin): Promise<GridEvent[]>;
  /** Up to `limit` entries of `target` whose retry time has come, oldest first, leased for `leaseMs`. */
  claim(target: DeliveryTarget, limit: number, leaseMs: number): Promise<PendingDelivery[]>;
  /** The target has these events: their entries go (no-op for events without one). */
  complete(target: DeliveryTarget, eventIds: readonly string[]): Promise<void>;
  /** A failed attempt: the entry waits until `retryAt` (null: at once). */
  release(d: PendingDelivery, outcome: { error: string; attempts: number; retryAt: Date | null }): Promise<void>;
  /** The target refused these events: their entries are kept aside with the reason. */
  refuse(target: DeliveryTarget, eventIds: readonly string[], reason: string): Promise<void>;
  status(): Promise<DeliveryTargetStatus[]>;
  /** Forgets delivered events recorded before `before` (their ids then no longer dedupe); returns how many. */
  prune(before: Date): Promise<number>;
}

export const EVENT_LEDGER = Symbol('EVENT_LEDGER');
