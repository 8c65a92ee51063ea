import { Inject, Injectable } from '@nestjs/common';
import { eventFromJson, eventToJson, EventStoreRefusedError } from '@smartgrid/events';
import type { EventHistoryStore, EventQuery, GridEvent } from '@smartgrid/events';
import { StoreRefusedError } from '@smartgrid/hybrid-storage';
import { Client, concurrent } from 'cassandra-driver';
import { assertCassandraReady, CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { asCassandraError } from '../timeseries/cassandra.refusal';
import { dayBucket, daysDesc } from '../timeseries/cassandra-timeseries.store';

const INSERT_EVENT = `INSERT INTO events_by_day (source_id, day, ts, event_id, event_type, severity, payload)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
const INSERT_SOURCE_DAY = 'INSERT INTO event_sources_by_day (day, source_id) VALUES (?, ?)';
const SELECT_EVENTS = 'SELECT ts, event_id, payload FROM events_by_day WHERE source_id = ? AND day = ? AND ts >= ? AND ts < ?';
const SELECT_SOURCES = 'SELECT source_id FROM event_sources_by_day WHERE day = ?';
const READ = { prepare: true, fetchSize: 5000, isIdempotent: true } as const;

/** Newest first; ties (same millisecond) by event id, descending, as MongoDB orders them. */
export function newestFirst(a: GridEvent, b: GridEvent): number {
  return b.timestamp.getTime() - a.timestamp.getTime() || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0);
}

/** Whether `e` comes after the cursor in newest-first order. */
export function isBefore(e: GridEvent, before: EventQuery['before']): boolean {
  if (!before) return true;
  const t = e.timestamp.getTime();
  const bt = before.timestamp.getTime();
  return t < bt || (t === bt && e.eventId < before.eventId);
}

/**
 * Cassandra `events_by_day`: one partition per source per UTC day, time-ordered — the history
 * of one source over a time range. The event itself is kept as JSON (`payload`), with type and
 * severity as columns. Across sources, `event_sources_by_day` names the partitions to read.
 */
@Injectable()
export class CassandraEventHistoryStore implements EventHistoryStore {
  readonly name = 'cassandra' as const;

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    private readonly connection: CassandraConnection,
  ) {}

  async ping(): Promise<void> {
    assertCassandraReady(this.connection);
    await this.client.execute('SELECT release_version FROM system.local', [], { isIdempotent: true });
  }

  async record(events: readonly GridEvent[]): Promise<void> {
    if (events.length === 0) return;
    assertCassandraReady(this.connection);
    const queries: { query: string; params: unknown[] }[] = [];
    const days = new Set<string>();
    for (const e of events) {
      const day = dayBucket(e.timestamp);
      queries.push({ query: INSERT_EVENT, params: [e.sourceId, day, e.timestamp, e.eventId, e.type, e.severity, JSON.stringify(eventToJson(e))] });
      const key = `${day}|${e.sourceId}`;
      if (!days.has(key)) queries.push({ query: INSERT_SOURCE_DAY, params: [day, e.sourceId] });
      days.add(key);
    }
    try {
      await concurrent.executeConcurrent(this.client, queries, { concurrencyLevel: 32, raiseOnFirstError: true, collectResults: false });
    } catch (err) {
      const classified = asCassandraError(err);
      if (classified instanceof StoreRefusedError) throw new EventStoreRefusedError('cassandra', classified.message);
      throw classified;
    }
  }

  async query(q: EventQuery): Promise<GridEvent[]> {
    assertCassandraReady(this.connection);
    const out: GridEvent[] = [];
    const to = q.before && q.before.timestamp.getTime() + 1 < q.to.getTime() ? new Date(q.before.timestamp.getTime() + 1) : q.to;
    for (const day of daysDesc(q.from, to)) {
      const sources = q.sourceId !== undefined ? [q.sourceId] : await this.sourcesOf(day);
      const found: GridEvent[] = [];
      for (const source of sources) {
        const rs = await this.client.execute(SELECT_EVENTS, [source, day, q.from, to], READ);
        for await (const row of rs) {
          const e = eventFromJson(JSON.parse(row.get('payload') as string) as Record<string, unknown>);
          if (q.type !== undefined && e.type !== q.type) continue;
          if (isBefore(e, q.before)) found.push(e);
        }
      }
      found.sort(newestFirst);
      out.push(...found);
      if (out.length >= q.limit) break;
    }
    return out.slice(0, q.limit);
  }

  private async sourcesOf(day: string): Promise<string[]> {
    const rs = await this.client.execute(SELECT_SOURCES, [day], READ);
    const ids: string[] = [];
    for await (const row of rs) ids.push(row.get('source_id') as string);
    return ids;
  }
}
