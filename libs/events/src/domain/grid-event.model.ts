import { createHash } from 'crypto';

/** Alarm severities, most severe first (the four levels). */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What an event is about: a sensor's series or a meter's. */
export type SourceKind = 'sensor' | 'meter';

/** Event types on `grid-events` and in the history. */
export const EVENT_TYPES = {
  alarmRaised: 'alarm.raised',
  alarmAcknowledged: 'alarm.acknowledged',
  alarmCleared: 'alarm.cleared',
  registerReset: 'meter.register_reset',
  registerBackwards: 'meter.register_backwards',
  customerMismatch: 'meter.customer_mismatch',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
export const EVENT_TYPE_LIST: readonly EventType[] = Object.values(EVENT_TYPES);

/** Lifecycle of an alarm. */
export const ALARM_STATUSES = ['active', 'acknowledged', 'cleared'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

/** `status` of an event: the alarm's status after it, or `raised` for a one-off detection. */
export type EventStatus = AlarmStatus | 'raised';

/** Why an alarm exists: a threshold rule, or a meter that stopped reporting. */
export type AlarmKind = 'rule' | 'meter.no_data';

export interface AlarmNote {
  at: Date;
  by: string;
  text: string;
  /** The lifecycle action the note came with. */
  action: 'acknowledge' | 'clear';
}

/** An alarm's state as of one of its events (carried by every event of the alarm). */
export interface AlarmSnapshot {
  alarmId: string;
  kind: AlarmKind;
  ruleId: string | null;
  ruleName: string | null;
  status: AlarmStatus;
  severity: Severity;
  /** First reading of the run that raised it. */
  episodeStartedAt: Date;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  clearedAt: Date | null;
  /** `rule` when the rule's clear condition ended it, else the operator's username. */
  clearedBy: string | null;
  notes: AlarmNote[];
  /** Increases with every change; a store keeps the snapshot with the highest. */
  version: number;
}

/**
 * One grid event: an alarm raised, acknowledged or cleared, or a meter event. `eventId` is a
 * version-1 UUID whose time is `timestamp`, derived from what the event is (see eventIdOf), so
 * the same event detected twice has the same id in every store and on Kafka.
 */
export interface GridEvent {
  eventId: string;
  sourceId: string;
  sourceKind: SourceKind;
  type: EventType;
  severity: Severity;
  status: EventStatus;
  timestamp: Date;
  details: Record<string, unknown>;
  alarm?: AlarmSnapshot;
}

/** 100-ns ticks between the UUID epoch (1582-10-15) and the Unix epoch. */
const UUID_EPOCH_OFFSET_MS = 12_219_292_800_000n;
const hex = (v: bigint | number, width: number): string => v.toString(16).padStart(width, '0');

/**
 * A version-1 (time-based) UUID for `timeMs`, deterministic in `seed`: the sub-millisecond
 * ticks, clock sequence and node come from sha-256(seed) (node with the multicast bit set, as
 * RFC 4122 asks of node ids that are not MAC addresses). Cassandra takes it as a `timeuuid`,
 * PostgreSQL as a `uuid`; ids of different seeds at the same millisecond differ.
 */
export function deterministicTimeUuid(timeMs: number, seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  const ticks = BigInt(h.readUInt16BE(0) % 10_000);
  const t = (BigInt(Math.trunc(timeMs)) + UUID_EPOCH_OFFSET_MS) * 10_000n + ticks;
  const timeLow = t & 0xffff_ffffn;
  const timeMid = (t >> 32n) & 0xffffn;
  const timeHi = ((t >> 48n) & 0x0fffn) | 0x1000n;
  const clockSeq = (h.readUInt16BE(2) & 0x3fff) | 0x8000;
  const node = Buffer.from(h.subarray(4, 10));
  node[0] = node[0]! | 0x01;
  return `${hex(timeLow, 8)}-${hex(timeMid, 4)}-${hex(timeHi, 4)}-${hex(clockSeq, 4)}-${node.toString('hex')}`;
}

/** Epoch milliseconds of a version-1 UUID made by deterministicTimeUuid (or any v1 UUID). */
export function timeOfUuid(id: string): number {
  const [low, mid, hi] = id.split('-');
  const t = (BigInt(`0x${hi!}`) & 0x0fffn) << 48n | (BigInt(`0x${mid!}`) << 32n) | BigInt(`0x${low!}`);
  return Number(t / 10_000n - UUID_EPOCH_OFFSET_MS);
}

/** Alarm id: the rule (or alarm kind), the source and the first reading of the raising run. */
export function alarmIdOf(kind: AlarmKind, ruleId: string | null, sourceId: string, episodeStartedAt: Date): string {
  return deterministicTimeUuid(episodeStartedAt.getTime(), `alarm|${kind}|${ruleId ?? ''}|${sourceId}|${episodeStartedAt.getTime()}`);
}

/** Id of an alarm's lifecycle event (an alarm is raised, acknowledged and cleared at most once each). */
export function alarmEventIdOf(alarmId: string, type: EventType, at: Date): string {
  return deterministicTimeUuid(at.getTime(), `${type}|${alarmId}`);
}

/** Id of a one-off event about a source at a reading's timestamp. */
export function sourceEventIdOf(type: EventType, sourceId: string, at: Date, extra = ''): string {
  return deterministicTimeUuid(at.getTime(), `${type}|${sourceId}|${at.getTime()}|${extra}`);
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The `grid-events` wire form (snake_case keys of the contract; the alarm's state, when the
 * event belongs to one, travels in `details.alarm`).
 */
export interface GridEventWire {
  event_id: string;
  source_id: string;
  type: string;
  severity: string;
  status: string;
  timestamp: string;
  details: Record<string, unknown>;
}

/** An event whose details are already as the wire carries them (the registry's events, or a GridEvent's via toWire). */
export interface GridEventWireInput {
  eventId: string;
  sourceId: string;
  type: string;
  severity: string;
  status: string;
  timestamp: Date;
  details: Record<string, unknown>;
}

export function toWire(e: GridEvent): GridEventWire {
  return wireOf({ ...e, details: { ...e.details, source_kind: e.sourceKind, ...(e.alarm ? { alarm: snapshotToJson(e.alarm) } : {}) } });
}

/** The contract's snake_case keys, timestamp as ISO text. */
export function wireOf(e: GridEventWireInput): GridEventWire {
  return {
    event_id: e.eventId,
    source_id: e.sourceId,
    type: e.type,
    severity: e.severity,
    status: e.status,
    timestamp: e.timestamp.toISOString(),
    details: e.details,
  };
}

/** JSON form of a snapshot (dates as ISO strings), as stored in payloads. */
export function snapshotToJson(s: AlarmSnapshot): Record<string, unknown> {
  return {
    ...s,
    episodeStartedAt: s.episodeStartedAt.toISOString(),
    raisedAt: s.raisedAt.toISOString(),
    acknowledgedAt: s.acknowledgedAt?.toISOString() ?? null,
    clearedAt: s.clearedAt?.toISOString() ?? null,
    notes: s.notes.map((n) => ({ ...n, at: n.at.toISOString() })),
  };
}

export function snapshotFromJson(o: Record<string, unknown>): AlarmSnapshot {
  const date = (v: unknown): Date => new Date(String(v));
  const maybe = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
  return {
    alarmId: String(o.alarmId),
    kind: o.kind as AlarmKind,
    ruleId: (o.ruleId as string | null) ?? null,
    ruleName: (o.ruleName as string | null) ?? null,
    status: o.status as AlarmStatus,
    severity: o.severity as Severity,
    episodeStartedAt: date(o.episodeStartedAt),
    raisedAt: date(o.raisedAt),
    acknowledgedAt: maybe(o.acknowledgedAt),
    acknowledgedBy: (o.acknowledgedBy as string | null) ?? null,
    clearedAt: maybe(o.clearedAt),
    clearedBy: (o.clearedBy as string | null) ?? null,
    notes: ((o.notes as Record<string, unknown>[] | undefined) ?? []).map((n) => ({
      at: date(n.at),
      by: String(n.by),
      text: String(n.text),
      action: n.action as AlarmNote['action'],
    })),
    version: Number(o.version),
  };
}

/** The event as one JSON document (payload column of the ledger and of Cassandra). */
export function eventToJson(e: GridEvent): Record<string, unknown> {
  return {
    eventId: e.eventId,
    sourceId: e.sourceId,
    sourceKind: e.sourceKind,
    type: e.type,
    severity: e.severity,
    status: e.status,
    timestamp: e.timestamp.toISOString(),
    details: e.details,
    ...(e.alarm ? { alarm: snapshotToJson(e.alarm) } : {}),
  };
}

export function eventFromJson(o: Record<string, unknown>): GridEvent {
  const e: GridEvent = {
    eventId: String(o.eventId),
    sourceId: String(o.sourceId),
    sourceKind: o.sourceKind as SourceKind,
    type: o.type as EventType,
    severity: o.severity as Severity,
    status: o.status as EventStatus,
    timestamp: new Date(String(o.timestamp)),
    details: (o.details as Record<string, unknown> | undefined) ?? {},
  };
  if (o.alarm && typeof o.alarm === 'object') e.alarm = snapshotFromJson(o.alarm as Record<string, unknown>);
  return e;
}
