import { Inject, Injectable } from '@nestjs/common';
import { acknowledge, Alarm, AlarmNotFoundError, clearByOperator } from '../domain/alarm.model';
import type { AlarmStatus, GridEvent, Severity } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EventDeliveryService, TargetOutcome } from '../history/event-delivery.service';
import { decodeCursor } from '../history/cursor.codec';
import { FallbackPage, firstAnsweringPage, NoStoreAnsweredError } from '../history/fallback.pages';
import { ALARM_STORE, AlarmQuery, AlarmStore } from '../ports/alarm-store.port';
import { EVENT_HISTORY_STORES, EventHistoryStore } from '../ports/event-history-store.port';

export type AlarmSource = 'postgres' | 'mongodb';

/** The store's query, with the keyset position as the API's opaque cursor. */
export interface AlarmListQuery extends Omit<AlarmQuery, 'after'> {
  cursor?: string;
}

export interface AlarmRecord extends Alarm {
  /** The store this record was read from. */
  source: AlarmSource;
}

/** A page from the first store that answered (see firstAnsweringPage). */
export interface AlarmPage extends Omit<FallbackPage<Alarm, AlarmSource>, 'rows'> {
  alarms: AlarmRecord[];
}

/** No store could answer a query. */
export class AlarmsUnavailableError extends NoStoreAnsweredError {
  override readonly name = 'AlarmsUnavailableError';
}

export class BadCursorError extends Error {
  constructor() {
    super('cursor is not one this list handed out');
    this.name = 'BadCursorError';
  }
}

/**
 * The alarm list and the operators' lifecycle actions. PostgreSQL holds each alarm's
 * lifecycle (transactions make an acknowledgement and a clear that race come out right); the
 * list falls back to MongoDB's copy (the newest snapshot of each alarm, kept from its events)
 * when PostgreSQL cannot answer. Actions need PostgreSQL; their events are recorded there
 * first, then delivered to both history stores and `grid-events` (what fails is retried from
 * the backlog).
 */
@Injectable()
export class AlarmsService {
  private readonly mongo: EventHistoryStore | undefined;

  constructor(
    @Inject(ALARM_STORE) private readonly store: AlarmStore,
    private readonly delivery: EventDeliveryService,
    @Inject(EVENT_HISTORY_STORES) stores: EventHistoryStore[],
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
  ) {
    this.mongo = stores.find((s) => s.name === 'mongodb' && s.alarms !== undefined);
  }

  async list(q: AlarmListQuery): Promise<AlarmPage> {
    const cursor = q.cursor ? this.cursor(q.cursor) : undefined;
    const page = await firstAnsweringPage<Alarm, AlarmSource>({
      order: cursor ? [cursor.store] : ['postgres', 'mongodb'],
      limit: q.limit,
      timeoutMs: this.settings.storeTimeoutMs,
      what: 'alarms',
      read: (store, limit) => this.read(store, q, cursor?.after, limit),
      keyOf: (a) => ({ at: a.raisedAt, id: a.alarmId }),
      unavailable: (failed) => new AlarmsUnavailableError(failed),
    });
    return { alarms: page.rows, source: page.source, failed: page.failed, nextCursor: page.nextCursor };
  }

  async get(alarmId: string): Promise<Alarm> {
    const a = await this.store.get(alarmId);
    if (!a) throw new AlarmNotFoundError(alarmId);
    return a;
  }

  /** Acknowledges an active alarm (AlarmTransitionError otherwise); the event is delivered before returning. */
  acknowledge(alarmId: string, actor: string, note?: string): Promise<{ alarm: Alarm; event: GridEvent; delivery: TargetOutcome[] }> {
    return this.act(alarmId, actor, note, (a, at) => acknowledge(a, actor, at, note));
  }

  /** Clears an active or acknowledged alarm. */
  clear(alarmId: string, actor: string, note?: string): Promise<{ alarm: Alarm; event: GridEvent; delivery: TargetOutcome[] }> {
    return this.act(alarmId, actor, note, (a, at) => clearByOperator(a, actor, at, note));
  }

  private async act(
    alarmId: string,
    actor: string,
    note: string | undefined,
    decide: (a: Alarm, at: Date) => { alarm: Alarm; event: GridEvent },
  ): Promise<{ alarm: Alarm; event: GridEvent; delivery: TargetOutcome[] }> {
    const at = new Date();
    const done = await this.store.operatorAction({ alarmId, actor, at, ...(note !== undefined ? { note } : {}) }, (a) => decide(a, at));
    const delivery = await this.delivery.deliver([done.event], { kafka: true });
    return { ...done, delivery };
  }

  private async read(store: AlarmSource, q: AlarmListQuery, after: { raisedAt: Date; alarmId: string } | undefined, limit: number): Promise<Alarm[]> {
    const filter = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.sourceId ? { sourceId: q.sourceId } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      limit,
      ...(after ? { after } : {}),
    };
    if (store === 'postgres') return this.store.list(filter);
    if (!this.mongo?.alarms) throw new Error('no MongoDB alarm copy is configured');
    const raised = await this.mongo.alarms(filter);
    return raised.filter((e) => e.alarm).map(alarmOfEvent);
  }

  private cursor(raw: string): { store: AlarmSource; after: { raisedAt: Date; alarmId: string } } {
    const c = decodeCursor(raw);
    if (!c || (c.store !== 'postgres' && c.store !== 'mongodb')) throw new BadCursorError();
    return { store: c.store, after: { raisedAt: c.at, alarmId: c.id } };
  }
}

/** An alarm as MongoDB's copy knows it: the raise event with the alarm's newest snapshot. */
function alarmOfEvent(e: GridEvent): Alarm {
  const s = e.alarm!;
  const details = { ...e.details };
  const raiseValue = typeof details.value === 'number' ? details.value : null;
  for (const k of ['alarmId', 'ruleId', 'ruleName', 'alarmKind', 'value']) delete details[k];
  return { ...s, sourceId: e.sourceId, sourceKind: e.sourceKind, raiseValue, clearStartedAt: null, episodeEndedAt: null, details, updatedAt: s.clearedAt ?? s.acknowledgedAt ?? s.raisedAt };
}
