import { DAY_MS, SeriesKind } from './readings.model';

/**
 * How long each kind of data is kept, in days; 0 keeps it forever. The audit log is never
 * subject to retention (it is not time-series data of this lib).
 */
export interface RetentionPolicy {
  sensorDays: number;
  meterDays: number;
  /** sensor_aggregates and consumption_aggregates (they usually outlive the raw readings). */
  aggregatesDays: number;
}

export const KEEP_FOREVER: RetentionPolicy = { sensorDays: 0, meterDays: 0, aggregatesDays: 0 };

function daysOf(policy: RetentionPolicy, kind: SeriesKind | 'aggregates'): number {
  return kind === 'sensor' ? policy.sensorDays : kind === 'meter' ? policy.meterDays : policy.aggregatesDays;
}

/**
 * The retention horizon: readings stamped before it are past retention (null: kept forever).
 * An exact instant, `now - days`, so Cassandra's per-row TTL and this rule agree to the second.
 */
export function retentionHorizon(policy: RetentionPolicy, kind: SeriesKind | 'aggregates', nowMs: number = Date.now()): Date | null {
  const days = daysOf(policy, kind);
  return days > 0 ? new Date(nowMs - days * DAY_MS) : null;
}

/**
 * Where store-to-store tools (reconcile, backfill) start at the earliest: the first UTC day
 * that begins after the horizon plus `marginMs`. Rows near the horizon are expiring in Cassandra
 * while PostgreSQL still holds them (its partitions go whole), so comparing or copying them
 * would report, or bring back, what retention is taking away.
 */
export function syncFloor(policy: RetentionPolicy, kind: SeriesKind, nowMs: number = Date.now(), marginMs = 3_600_000): Date | null {
  const h = retentionHorizon(policy, kind, nowMs);
  if (!h) return null;
  return new Date(Math.ceil((h.getTime() + marginMs) / DAY_MS) * DAY_MS);
}

/**
 * Seconds a row with this timestamp still has to live (Cassandra TTL): at least 1 while it is
 * within retention, 0 when the kind is kept forever, and negative when it is already past.
 */
export function remainingLifeSeconds(policy: RetentionPolicy, kind: SeriesKind, timestampMs: number, nowMs: number = Date.now()): number {
  const days = daysOf(policy, kind);
  if (days <= 0) return 0;
  const left = Math.ceil((timestampMs + days * DAY_MS - nowMs) / 1000);
  return left > 0 ? left : -1;
}

/** Rows whose timestamp is within retention (all of them when the kind is kept forever). */
export function withinRetention<T extends { timestamp: Date }>(policy: RetentionPolicy, kind: SeriesKind, rows: readonly T[], nowMs: number = Date.now()): T[] {
  const h = retentionHorizon(policy, kind, nowMs);
  if (!h) return rows as T[];
  const t = h.getTime();
  return rows.every((r) => r.timestamp.getTime() >= t) ? (rows as T[]) : rows.filter((r) => r.timestamp.getTime() >= t);
}
