/** The two stores that hold time series; every record read back names one of them. */
export type StoreName = 'postgres' | 'cassandra';
export const STORE_NAMES: readonly StoreName[] = ['postgres', 'cassandra'];

/** Where a write goes. */
export type WriteTarget = StoreName | 'both';
export const WRITE_TARGETS: readonly WriteTarget[] = ['postgres', 'cassandra', 'both'];

/** Where a read comes from; `auto` picks a store by the rule in HybridStorageService.pickReadOrder. */
export type ReadSource = 'auto' | StoreName;
export const READ_SOURCES: readonly ReadSource[] = ['auto', 'postgres', 'cassandra'];

/** The two kinds of series; each has its natural key (id, timestamp). */
export type SeriesKind = 'sensor' | 'meter';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface SensorReading {
  sensorId: string;
  sensorType: string;
  value: number;
  unit?: string;
  /** Millisecond precision; finer digits in the input are dropped. */
  timestamp: Date;
  /** Describes the sensor (firmware, …); kept on the sensor, not per reading. */
  metadata?: Record<string, unknown>;
  location?: GeoPoint;
}

export interface MeterReading {
  meterId: string;
  customerId: string;
  timestamp: Date;
  /** Cumulative register, kWh, ≥ 0. */
  energyKwh: number;
  powerKw?: number;
  voltage?: number;
  /** Describes the meter; kept on the meter, not per reading. */
  metadata?: Record<string, unknown>;
}

/**
 * A reading as handed to (and read back from) a store, stamped with the time it was accepted,
 * in microseconds since the epoch. Both stores keep the newer stamp when a key is written twice
 * (Cassandra via `USING TIMESTAMP`, PostgreSQL via a guarded upsert), so retries, backlog
 * replays and repairs converge on the same row in any order.
 */
export type Stamped<T> = T & { writtenAtUs: number };

/**
 * What a read returns for a sensor: the reading as the stores keep it (the description and
 * location live on the sensor, not per reading) plus the store it came from.
 */
export interface SensorReadingRecord extends Omit<SensorReading, 'metadata' | 'location'> {
  source: StoreName;
}

/** The same for a meter. */
export interface MeterReadingRecord extends Omit<MeterReading, 'metadata'> {
  source: StoreName;
}

export type ReadingOf<K extends SeriesKind> = K extends 'sensor' ? SensorReading : MeterReading;

export function seriesIdOf(kind: SeriesKind, r: SensorReading | MeterReading): string {
  return kind === 'sensor' ? (r as SensorReading).sensorId : (r as MeterReading).meterId;
}

/**
 * Keeps the last occurrence of each natural key. A bulk upsert must not touch one key twice
 * (PostgreSQL refuses `ON CONFLICT DO UPDATE` on the same row twice in one statement).
 */
export function dedupeByKey<T extends SensorReading | MeterReading>(kind: SeriesKind, rows: readonly T[]): T[] {
  // id → timestamp → index of the last row with that key (nested maps: no key strings to build).
  const last = new Map<string, Map<number, number>>();
  rows.forEach((r, i) => {
    const id = seriesIdOf(kind, r);
    let byTs = last.get(id);
    if (!byTs) last.set(id, (byTs = new Map()));
    byTs.set(r.timestamp.getTime(), i);
  });
  let distinct = 0;
  for (const byTs of last.values()) distinct += byTs.size;
  if (distinct === rows.length) return [...rows];
  return rows.filter((r, i) => last.get(seriesIdOf(kind, r))!.get(r.timestamp.getTime()) === i);
}

const DAY_MS = 86_400_000;

/** UTC day start (ms) of an instant. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Every UTC day [start, start + 1 day) overlapping [from, to), oldest first. */
export function utcDaysBetween(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let d = utcDayStart(from.getTime()); d < to.getTime(); d += DAY_MS) days.push(new Date(d));
  return days;
}

export { DAY_MS };
