import { Schema } from 'mongoose';
import { keyedDocumentSchema } from '../keyed-document.schema';

export const EVENT_HISTORY_MODEL = 'GridEvent';
export const EVENT_HISTORY_COLLECTION = 'event_history';

/**
 * One grid event (`_id` = event id): an alarm raised, acknowledged or cleared, or a meter
 * event. `payload` is the event as the domain serialises it (details, and the alarm's state
 * as of this event). The raise event of an alarm also carries `current`: the alarm's newest
 * state (highest version among its events here), which is what the alarm list reads and
 * filters on (status, notes) when PostgreSQL cannot answer.
 */
export interface EventHistoryDocument {
  _id: string;
  /** The sensor or meter the event is about. */
  sourceId: string;
  sourceType: 'sensor' | 'meter' | 'system';
  eventType: string;
  severity: string;
  /** The alarm's status after the event, or `raised` for a one-off event. */
  status: string;
  ts: Date;
  /** The alarm the event belongs to, if any. */
  alarmId: string | null;
  payload: Record<string, unknown>;
  /** Raise events only: the alarm's newest state (JSON snapshot with `version`, `status`, `notes`). */
  current?: Record<string, unknown> | null;
  recordedAt: Date;
}

export const EventHistorySchema = keyedDocumentSchema<EventHistoryDocument>(EVENT_HISTORY_COLLECTION, {
  sourceId: { type: String, required: true },
  sourceType: { type: String, required: true, enum: ['sensor', 'meter', 'system'] },
  eventType: { type: String, required: true },
  severity: { type: String, required: true },
  status: { type: String, required: true },
  ts: { type: Date, required: true },
  alarmId: { type: String, default: null },
  payload: { type: Schema.Types.Mixed, default: {} },
  current: { type: Schema.Types.Mixed, default: null },
  recordedAt: { type: Date, required: true },
});

// A source's history, newest first; all events of a type, severity or status in a time range;
// an alarm's events (to keep `current` on its raise event).
EventHistorySchema.index({ sourceId: 1, ts: -1 }, { name: 'event_source_time' });
EventHistorySchema.index({ eventType: 1, ts: -1 }, { name: 'event_type_time' });
EventHistorySchema.index({ severity: 1, ts: -1 }, { name: 'event_severity_time' });
EventHistorySchema.index({ status: 1, ts: -1 }, { name: 'event_status_time' });
EventHistorySchema.index({ alarmId: 1 }, { name: 'event_alarm' });
