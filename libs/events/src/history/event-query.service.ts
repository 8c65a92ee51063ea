import { Inject, Injectable } from '@nestjs/common';
import type { GridEvent } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EVENT_HISTORY_STORES, EventHistoryStore, EventStoreName } from '../ports/event-history-store.port';
import { BadCursorError } from '../alarms/alarms.service';
import { decodeCursor } from './cursor.codec';
import { FallbackPage, firstAnsweringPage, NoStoreAnsweredError } from './fallback.pages';

export interface EventListQuery {
  sourceId?: string;
  type?: string;
  from: Date;
  to: Date;
  limit: number;
  cursor?: string;
}

export interface EventRecord extends GridEvent {
  source: EventStoreName;
}

/** A page from the first store that answered (see firstAnsweringPage). */
export interface EventPage extends Omit<FallbackPage<GridEvent, EventStoreName>, 'rows'> {
  events: EventRecord[];
}

export class EventsUnavailableError extends NoStoreAnsweredError {
  override readonly name = 'EventsUnavailableError';
}

/**
 * Reads the event history: one source's events from Cassandra (its day partitions, in time
 * order: what the table is laid out for), events across sources from MongoDB (indexed by
 * type and time); each falls back to the other store when the first cannot answer (Cassandra
 * lists the sources with events per day, so it can answer across sources for the bounded
 * ranges the API allows). Every record names its store; a cursor keeps a walk on one store.
 */
@Injectable()
export class EventQueryService {
  private readonly byName = new Map<EventStoreName, EventHistoryStore>();

  constructor(
    @Inject(EVENT_HISTORY_STORES) stores: EventHistoryStore[],
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
  ) {
    for (const s of stores) this.byName.set(s.name, s);
  }

  async list(q: EventListQuery): Promise<EventPage> {
    let order: EventStoreName[] = q.sourceId !== undefined ? ['cassandra', 'mongodb'] : ['mongodb', 'cassandra'];
    let before: { timestamp: Date; eventId: string } | undefined;
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      if (!c || (c.store !== 'cassandra' && c.store !== 'mongodb')) throw new BadCursorError();
      order = [c.store];
      before = { timestamp: c.at, eventId: c.id };
    }
    const page = await firstAnsweringPage<GridEvent, EventStoreName>({
      order: order.filter((name) => this.byName.has(name)),
      limit: q.limit,
      timeoutMs: this.settings.storeTimeoutMs,
      what: 'events',
      read: (name, limit) =>
        this.byName.get(name)!.query({
          ...(q.sourceId !== undefined ? { sourceId: q.sourceId } : {}),
          ...(q.type !== undefined ? { type: q.type } : {}),
          from: q.from,
          to: q.to,
          limit,
          ...(before ? { before } : {}),
        }),
      keyOf: (e) => ({ at: e.timestamp, id: e.eventId }),
      unavailable: (failed) => new EventsUnavailableError(failed),
    });
    return { events: page.rows, source: page.source, failed: page.failed, nextCursor: page.nextCursor };
  }
}
