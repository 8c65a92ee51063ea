import { NotReadyError } from '@smartgrid/hybrid-storage';
import type { GridEvent } from '../domain/grid-event.model';

export type EventStoreName = 'cassandra' | 'mongodb';
export const EVENT_STORE_NAMES: readonly EventStoreName[] = ['cassandra', 'mongodb'];

/** Events in [from, to), newest first. */
export interface EventQuery {
  /** One source (Cassandra's partitions); absent: every source. */
  sourceId?: string;
  type?: string;
  from: Date;
  to: Date;
  limit: number;
  /** Keyset cursor: events strictly older than this (timestamp, eventId) in newest-first order. */
  before?: { timestamp: Date; eventId: string };
}

/**
 * A store of the event history (Cassandra `events_by_day`, MongoDB `event_history`). Writes
 * are idempotent by event id; alarm snapshots are kept per store by version, so events may
 * arrive in any order and more than once. `record` rejects with EventStoreRefusedError when
 * the store refuses the events themselves; any other rejection means it is unavailable.
 */
export interface EventHistoryStore {
  readonly name: EventStoreName;
  ping(): Promise<void>;
  record(events: readonly GridEvent[]): Promise<void>;
  query(q: EventQuery): Promise<GridEvent[]>;
  /** The newest snapshot of alarms (for listing alarms when PostgreSQL cannot); only MongoDB answers this. */
  alarms?(q: AlarmSnapshotQuery): Promise<GridEvent[]>;
}

/** Raise events of alarms whose current snapshot matches, newest raise first. */
export interface AlarmSnapshotQuery {
  status?: string;
  severity?: string;
  sourceId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  after?: { raisedAt: Date; alarmId: string };
}

export const EVENT_HISTORY_STORES = Symbol('EVENT_HISTORY_STORES');

/** The store refused the events themselves (retrying them cannot help). */
export class EventStoreRefusedError extends Error {
  constructor(
    readonly store: EventStoreName,
    message: string,
  ) {
    super(message);
    this.name = 'EventStoreRefusedError';
  }
}

/** The store cannot be used yet (not connected, schema not in place). */
export class EventStoreNotReadyError extends NotReadyError<EventStoreName> {}
