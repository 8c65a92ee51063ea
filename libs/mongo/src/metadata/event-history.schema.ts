import { Schema } from 'mongoose';

export const EVENT_HISTORY_MODEL = 'GridEvent';
export const EVENT_HISTORY_COLLECTION = 'event_history';

export type EventSeverity = 'info' | 'warning' | 'critical';

/** One grid event (alarm, outage, threshold crossing, …); `_id` is the event id. */
export interface EventHistoryDocument {
  _id: string;
  /** The sensor or meter the event is about. */
  sourceId: string;
  sourceType: 'sensor' | 'meter' | 'system';
  eventType: string;
  severity: EventSeverity;
  ts: Date;
  /** Free-form details. */
  payload: Record<string, unknown>;
  recordedAt: Date;
}

export const EventHistorySchema = new Schema<EventHistoryDocument>(
  {
    _id: { type: String, required: true },
    sourceId: { type: String, required: true },
    sourceType: { type: String, required: true, enum: ['sensor', 'meter', 'system'] },
    eventType: { type: String, required: true },
    severity: { type: String, required: true, enum: ['info', 'warning', 'critical'] },
    ts: { type: Date, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    recordedAt: { type: Date, required: true },
  },
  { collection: EVENT_HISTORY_COLLECTION, versionKey: false, minimize: false, strict: true, _id: false },
);

// A source's history, newest first; all events of a type or severity in a time range.
EventHistorySchema.index({ sourceId: 1, ts: -1 }, { name: 'event_source_time' });
EventHistorySchema.index({ eventType: 1, ts: -1 }, { name: 'event_type_time' });
EventHistorySchema.index({ severity: 1, ts: -1 }, { name: 'event_severity_time' });
