import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { alarmEventIdOf, EVENT_TYPES, EventStoreNotReadyError, EventStoreRefusedError } from '@smartgrid/events';
import type { AlarmSnapshot, AlarmSnapshotQuery, EventHistoryStore, EventQuery, GridEvent } from '@smartgrid/events';
import { Connection, ConnectionStates, Model, mongo } from 'mongoose';
import { EventHistoryMapper } from './event-history.mapper';
import { EVENT_HISTORY_MODEL, EventHistoryDocument } from './event-history.schema';

/** Server verdicts on the documents themselves (validation, size), as opposed to an unavailable server. */
const REFUSAL_CODES = new Set([2, 10334, 17419, 121, 16755]);

/**
 * MongoDB `event_history` (FerretDB-compatible: every write by `_id`, no transactions). Events
 * are inserted once by id; the alarm's newest state is kept on its raise event (`current`),
 * recomputed from the alarm's events after each write, so events arriving in any order and
 * more than once converge on the same state.
 */
@Injectable()
export class MongoEventHistoryStore implements EventHistoryStore {
  readonly name = 'mongodb' as const;

  constructor(
    @InjectModel(EVENT_HISTORY_MODEL) private readonly model: Model<EventHistoryDocument>,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async ping(): Promise<void> {
    this.assertConnected();
    await this.connection.db!.admin().ping();
  }

  async record(events: readonly GridEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.assertConnected();
    const now = new Date();
    try {
      await this.model.bulkWrite(
        events.map((e) => {
          const { _id, ...rest } = EventHistoryMapper.toPersistence(e, now);
          return { updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } };
        }),
        { ordered: false },
      );
    } catch (err) {
      throw this.classify(err);
    }
    const alarms = new Map<string, AlarmSnapshot>();
    for (const e of events) if (e.alarm) alarms.set(e.alarm.alarmId, e.alarm);
    for (const a of alarms.values()) await this.refreshCurrent(a);
  }

  async query(q: EventQuery): Promise<GridEvent[]> {
    this.assertConnected();
    const filter: Record<string, unknown> = { ts: { $gte: q.from, $lt: q.to } };
    if (q.sourceId !== undefined) filter.sourceId = q.sourceId;
    if (q.type !== undefined) filter.eventType = q.type;
    if (q.before) {
      filter.$or = [{ ts: { $lt: q.before.timestamp } }, { ts: q.before.timestamp, _id: { $lt: q.before.eventId } }];
    }
    const docs = await this.model.find(filter).sort({ ts: -1, _id: -1 }).limit(q.limit).lean<EventHistoryDocument[]>().exec();
    return docs.map((d) => EventHistoryMapper.toDomain(d));
  }

  async alarms(q: AlarmSnapshotQuery): Promise<GridEvent[]> {
    this.assertConnected();
    const filter: Record<string, unknown> = { eventType: EVENT_TYPES.alarmRaised };
    if (q.status !== undefined) filter['current.status'] = q.status;
    if (q.severity !== undefined) filter.severity = q.severity;
    if (q.sourceId !== undefined) filter.sourceId = q.sourceId;
    if (q.from || q.to) filter.ts = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    if (q.after) filter.$or = [{ ts: { $lt: q.after.raisedAt } }, { ts: q.after.raisedAt, alarmId: { $lt: q.after.alarmId } }];
    const docs = await this.model.find(filter).sort({ ts: -1, alarmId: -1 }).limit(q.limit).lean<EventHistoryDocument[]>().exec();
    return docs.map((d) => EventHistoryMapper.toDomain(d, true));
  }

  /** Puts the newest snapshot among the alarm's events on its raise event (if that is here yet). */
  private async refreshCurrent(a: AlarmSnapshot): Promise<void> {
    const docs = await this.model.find({ alarmId: a.alarmId }, { payload: 1 }).lean<Pick<EventHistoryDocument, 'payload'>[]>().exec();
    let newest: Record<string, unknown> | null = null;
    for (const d of docs) {
      const s = d.payload.alarm as Record<string, unknown> | undefined;
      if (s && (newest === null || Number(s.version) > Number(newest.version))) newest = s;
    }
    if (!newest) return;
    const raiseId = alarmEventIdOf(a.alarmId, EVENT_TYPES.alarmRaised, a.raisedAt);
    await this.model.updateOne({ _id: raiseId }, { $set: { current: newest } }).exec();
  }

  private assertConnected(): void {
    if (this.connection.readyState !== ConnectionStates.connected) {
      throw new EventStoreNotReadyError('mongodb', `connection is ${ConnectionStates[this.connection.readyState] ?? 'not open'}`);
    }
  }

  private classify(err: unknown): unknown {
    if (err instanceof mongo.MongoBulkWriteError || err instanceof mongo.MongoServerError) {
      const codes = err instanceof mongo.MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]).map((w) => w.code) : [err.code];
      if (codes.length > 0 && codes.every((c) => typeof c === 'number' && REFUSAL_CODES.has(c))) {
        return new EventStoreRefusedError('mongodb', `mongodb refused the events: ${err.message}`);
      }
    }
    return err;
  }
}

