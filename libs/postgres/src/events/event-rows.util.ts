import { eventToJson } from '@smartgrid/events';
import type { BatchTrigger, DeliveryTarget, EventOrigin, GridEvent } from '@smartgrid/events';
import type { EntityManager } from 'typeorm';

/** Where an event still has to go, by who publishes it: an ingest batch publishes to Kafka itself. */
export function targetsOf(origin: EventOrigin): DeliveryTarget[] {
  return origin === 'ingest' ? ['cassandra', 'mongodb'] : ['cassandra', 'mongodb', 'kafka'];
}

/**
 * Records events not recorded yet (by id) in `grid_events`, with a delivery backlog entry per
 * target, in the caller's transaction. Returns the ids recorded now.
 */
export async function insertEvents(
  m: EntityManager,
  events: readonly GridEvent[],
  origin: EventOrigin,
  trigger?: BatchTrigger,
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  // Two detections of one event in a batch collapse to the first.
  const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
  const rows: { event_id: string }[] = await m.query(
    `INSERT INTO grid_events (event_id, source_id, type, ts, payload, origin, trigger_topic, trigger_partition, trigger_offset)
     SELECT e.id, e.source_id, e.type, e.ts, e.payload, $5, $6, $7, $8
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $9::jsonb[]) AS e(id, source_id, type, ts, payload)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [
      unique.map((e) => e.eventId),
      unique.map((e) => e.sourceId),
      unique.map((e) => e.type),
      unique.map((e) => e.timestamp.toISOString()),
      origin,
      trigger?.topic ?? null,
      trigger?.partition ?? null,
      trigger?.lastOffset ?? null,
      unique.map((e) => JSON.stringify(eventToJson(e))),
    ],
  );
  const fresh = new Set(rows.map((r) => r.event_id));
  if (fresh.size === 0) return fresh;
  const targets = targetsOf(origin);
  const ids = [...fresh];
  await m.query(
    `INSERT INTO grid_event_deliveries (event_id, target)
     SELECT e, t FROM unnest($1::uuid[]) AS e CROSS JOIN unnest($2::text[]) AS t
     ON CONFLICT (event_id, target) DO NOTHING`,
    [ids, targets],
  );
  return fresh;
}
