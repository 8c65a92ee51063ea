import type { GridEvent } from '../domain/grid-event.model';

/**
 * Kafka `grid-events` for events not published with an ingest batch (operator actions,
 * watcher and registry events). Resolves once the broker has them.
 */
export interface GridEventsSink {
  publish(events: readonly GridEvent[]): Promise<void>;
}

export const GRID_EVENTS_SINK = Symbol('GRID_EVENTS_SINK');
