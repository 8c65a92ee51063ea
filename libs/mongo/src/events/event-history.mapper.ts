import { eventFromJson, eventToJson, snapshotFromJson } from '@smartgrid/events';
import type { GridEvent } from '@smartgrid/events';
import type { EventHistoryDocument } from './event-history.schema';

export const EventHistoryMapper = {
  toPersistence(e: GridEvent, recordedAt: Date): EventHistoryDocument {
    return {
      _id: e.eventId,
      sourceId: e.sourceId,
      sourceType: e.sourceKind,
      eventType: e.type,
      severity: e.severity,
      status: e.status,
      ts: e.timestamp,
      alarmId: e.alarm?.alarmId ?? null,
      payload: eventToJson(e),
      current: null,
      recordedAt,
    };
  },

  /** The event; with `current`, the alarm snapshot replaced by the alarm's newest state. */
  toDomain(d: EventHistoryDocument, withCurrent = false): GridEvent {
    const e = eventFromJson(d.payload);
    if (withCurrent && d.current) e.alarm = snapshotFromJson(d.current);
    return e;
  },
};
