import { Inject, Injectable } from '@nestjs/common';
import { messageOf, withTimeout } from '@smartgrid/hybrid-storage';
import type { GridEvent } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EVENT_HISTORY_STORES, EventHistoryStore, EventStoreName } from '../ports/event-history-store.port';
import { BadCursorError } from '../alarms/alarms.service';
import { decodeCursor, encodeCursor } from './cursor.codec';

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

export interface EventPage {
  events: EventRecord[];
  source: EventStoreName;
  failed: { store: EventStoreName; error: string }[];
  nextCursor: string | null;
}

export class EventsUnavailableError extends Error {
  constructor(readonly attempts: { store: string; error: string }[]) {
    super(`no store could answer: ${attempts.map((a) => `${a.store}: ${a.error}`).join('; ')}`);
    this.name = 'EventsUnavailableError';
  }
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
    const failed: EventPage['failed'] = [];
    for (const name of order) {
      const store = this.byName.get(name);
      if (!store) continue;
      try {
        const rows = await withTimeout(
          store.query({
            ...(q.sourceId !== undefined ? { sourceId: q.sourceId } : {}),
            ...(q.type !== undefined ? { type: q.type } : {}),
            from: q.from,
            to: q.to,
            limit: q.limit + 1,
            ...(before ? { before } : {}),
          }),
          this.settings.storeTimeoutMs,
          `${name} events`,
        );
        const page = rows.slice(0, q.limit);
        const last = page[page.length - 1];
        return {
          events: page.map((e) => ({ ...e, source: name })),
          source: name,
          failed,
          nextCursor: rows.length > q.limit && last ? encodeCursor(name, last.timestamp, last.eventId) : null,
        };
      } catch (err) {
        failed.push({ store: name, error: messageOf(err) });
      }
    }
    throw new EventsUnavailableError(failed);
  }
}
