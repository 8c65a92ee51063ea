import {
  alarmEventIdOf,
  AlarmKind,
  AlarmNote,
  AlarmSnapshot,
  AlarmStatus,
  EVENT_TYPES,
  GridEvent,
  Severity,
  SourceKind,
} from './grid-event.model';

/** An alarm as PostgreSQL keeps it: its lifecycle (status, notes) and its episode in event time. */
export interface Alarm extends AlarmSnapshot {
  sourceId: string;
  sourceKind: SourceKind;
  /** The value of the reading that raised it. */
  raiseValue: number | null;
  /** When the clear condition started to hold (the run that ended the episode). */
  clearStartedAt: Date | null;
  /** When the episode ended in event time (the rule's clear condition held long enough), or null while it lasts. */
  episodeEndedAt: Date | null;
  details: Record<string, unknown>;
  updatedAt: Date;
}

export function snapshotOf(a: Alarm): AlarmSnapshot {
  return {
    alarmId: a.alarmId,
    kind: a.kind,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    status: a.status,
    severity: a.severity,
    episodeStartedAt: a.episodeStartedAt,
    raisedAt: a.raisedAt,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    clearedAt: a.clearedAt,
    clearedBy: a.clearedBy,
    notes: a.notes,
    version: a.version,
  };
}

/** An alarm about to be raised (the store ignores it when the same id exists). */
export interface NewAlarm {
  alarmId: string;
  kind: AlarmKind;
  ruleId: string | null;
  ruleName: string | null;
  sourceId: string;
  sourceKind: SourceKind;
  severity: Severity;
  episodeStartedAt: Date;
  raisedAt: Date;
  raiseValue: number | null;
  details: Record<string, unknown>;
}

export function alarmFromNew(n: NewAlarm): Alarm {
  return {
    ...n,
    status: 'active',
    acknowledgedAt: null,
    acknowledgedBy: null,
    clearedAt: null,
    clearedBy: null,
    notes: [],
    version: 1,
    clearStartedAt: null,
    episodeEndedAt: null,
    updatedAt: n.raisedAt,
  };
}

/** The `alarm.raised` event of a new alarm. */
export function raisedEvent(a: Alarm): GridEvent {
  return alarmEvent(a, EVENT_TYPES.alarmRaised, a.raisedAt, { value: a.raiseValue, ...a.details });
}

export function alarmEvent(a: Alarm, type: GridEvent['type'], at: Date, details: Record<string, unknown>): GridEvent {
  return {
    eventId: alarmEventIdOf(a.alarmId, type, at),
    sourceId: a.sourceId,
    sourceKind: a.sourceKind,
    type,
    severity: a.severity,
    status: a.status,
    timestamp: at,
    details: { alarmId: a.alarmId, ruleId: a.ruleId, ruleName: a.ruleName, alarmKind: a.kind, ...details },
    alarm: snapshotOf(a),
  };
}

/** An operator's or the rule's action on an alarm that its status does not allow. */
export class AlarmTransitionError extends Error {
  constructor(
    readonly alarmId: string,
    readonly status: AlarmStatus,
    action: string,
  ) {
    super(`alarm ${alarmId} is ${status}: it cannot be ${action}`);
    this.name = 'AlarmTransitionError';
  }
}

export class AlarmNotFoundError extends Error {
  constructor(readonly alarmId: string) {
    super(`no alarm ${alarmId}`);
    this.name = 'AlarmNotFoundError';
  }
}

/** Acknowledged: only an active alarm (an operator has seen it; it stays until it clears). */
export function acknowledge(a: Alarm, by: string, at: Date, note: string | undefined): { alarm: Alarm; event: GridEvent } {
  if (a.status !== 'active') throw new AlarmTransitionError(a.alarmId, a.status, 'acknowledged');
  const notes: AlarmNote[] = note ? [...a.notes, { at, by, text: note, action: 'acknowledge' }] : a.notes;
  const next: Alarm = { ...a, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, notes, version: a.version + 1, updatedAt: at };
  return { alarm: next, event: alarmEvent(next, EVENT_TYPES.alarmAcknowledged, at, note ? { note } : {}) };
}

/**
 * Cleared by an operator (active or acknowledged). The episode goes on in event time: the rule
 * raises a new alarm only after its clear condition has ended this one.
 */
export function clearByOperator(a: Alarm, by: string, at: Date, note: string | undefined): { alarm: Alarm; event: GridEvent } {
  if (a.status === 'cleared') throw new AlarmTransitionError(a.alarmId, a.status, 'cleared');
  const notes: AlarmNote[] = note ? [...a.notes, { at, by, text: note, action: 'clear' }] : a.notes;
  const next: Alarm = { ...a, status: 'cleared', clearedAt: at, clearedBy: by, notes, version: a.version + 1, updatedAt: at };
  return { alarm: next, event: alarmEvent(next, EVENT_TYPES.alarmCleared, at, { clearedBy: by, ...(note ? { note } : {}) }) };
}

/**
 * The episode ended (the rule's clear condition held, a meter reported again, the rule went
 * away). The alarm is cleared by `by` unless an operator cleared it already, in which case
 * there is no event.
 */
export function endEpisode(
  a: Alarm,
  clearStartedAt: Date,
  endedAt: Date,
  by: string,
  details: Record<string, unknown>,
): { alarm: Alarm; event: GridEvent | null } {
  const ended: Alarm = { ...a, clearStartedAt, episodeEndedAt: endedAt };
  if (a.status === 'cleared') return { alarm: ended, event: null };
  const next: Alarm = { ...ended, status: 'cleared', clearedAt: endedAt, clearedBy: by, version: a.version + 1, updatedAt: endedAt };
  return { alarm: next, event: alarmEvent(next, EVENT_TYPES.alarmCleared, endedAt, { clearedBy: by, ...details }) };
}
