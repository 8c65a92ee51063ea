import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EVENT_HISTORY_MODEL, EventHistoryDocument, EventSeverity } from './event-history.schema';

export interface EventHistoryFilter {
  sourceId?: string;
  eventType?: string;
  severity?: EventSeverity;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
}

export type NewGridEvent = Omit<EventHistoryDocument, 'recordedAt'>;

/** MongoDB event history (`event_history`): idempotent by event id, queried newest first. */
@Injectable()
export class EventHistoryRepository implements OnModuleInit {
  constructor(@InjectModel(EVENT_HISTORY_MODEL) private readonly model: Model<EventHistoryDocument>) {}

  async onModuleInit(): Promise<void> {
    await this.model.createCollection().catch(() => undefined); // exists already
    await this.model.createIndexes();
  }

  /** Stores events not stored yet (by `_id`); recording the same event twice keeps one. */
  async record(events: readonly NewGridEvent[]): Promise<void> {
    if (events.length === 0) return;
    const recordedAt = new Date();
    await this.model.bulkWrite(
      events.map((e) => {
        const { _id, ...rest } = e;
        return { updateOne: { filter: { _id }, update: { $setOnInsert: { ...rest, recordedAt } }, upsert: true } };
      }),
      { ordered: false },
    );
  }

  async find(f: EventHistoryFilter): Promise<EventHistoryDocument[]> {
    const q: Record<string, unknown> = {};
    if (f.sourceId !== undefined) q.sourceId = f.sourceId;
    if (f.eventType !== undefined) q.eventType = f.eventType;
    if (f.severity !== undefined) q.severity = f.severity;
    if (f.from || f.to) q.ts = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
    return this.model.find(q).sort({ ts: -1 }).limit(f.limit).lean<EventHistoryDocument[]>().exec();
  }
}
