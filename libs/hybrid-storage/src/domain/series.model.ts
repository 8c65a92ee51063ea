import { checkMeterReading, checkSensorReading } from '../validation/reading.validation';
import type { RowsPayload } from '../ports/backlog-store.port';
import type { SeriesQuery, TimeSeriesStore } from '../ports/time-series-store.port';
import type { MeterReading, MeterReadingRecord, SensorReading, SensorReadingRecord, SeriesKind, Stamped, StoreName } from './readings.model';

/**
 * What differs between sensor and meter series, in one place, so the write, replay and
 * reconcile paths are written once.
 */
export interface SeriesOps<R extends SensorReading | MeterReading, Rec> {
  kind: SeriesKind;
  idOf(r: R): string;
  check(r: R, nowMs: number): R;
  upsert(store: TimeSeriesStore, rows: readonly Stamped<R>[]): Promise<void>;
  query(store: TimeSeriesStore, q: SeriesQuery): Promise<Stamped<R>[]>;
  listIds(store: TimeSeriesStore, from: Date, to: Date): Promise<string[]>;
  payload(rows: Stamped<R>[]): RowsPayload;
  toRecord(r: Stamped<R>, source: StoreName): Rec;
  /** The stored content of a row, excluding the write stamp: equal strings mean equal rows. */
  canonical(r: R): string;
}

const num = (v: number | undefined): string => (v === undefined ? '' : String(v));

export const SENSOR_SERIES: SeriesOps<SensorReading, SensorReadingRecord> = {
  kind: 'sensor',
  idOf: (r) => r.sensorId,
  check: checkSensorReading,
  upsert: (s, rows) => s.upsertSensorReadings(rows),
  query: (s, q) => s.querySensorReadings(q),
  listIds: (s, from, to) => s.listSensorIds(from, to),
  payload: (rows) => ({ kind: 'sensor', rows }),
  toRecord: (r, source) => ({
    sensorId: r.sensorId,
    sensorType: r.sensorType,
    value: r.value,
    ...(r.unit !== undefined ? { unit: r.unit } : {}),
    timestamp: r.timestamp,
    source,
  }),
  // Every field both stores keep per reading. The sensor type is not one: PostgreSQL keeps it
  // on the sensor (the registry may correct it), Cassandra with each reading.
  canonical: (r) => `${r.timestamp.getTime()}|${num(r.value)}|${r.unit ?? ''}`,
};

export const METER_SERIES: SeriesOps<MeterReading, MeterReadingRecord> = {
  kind: 'meter',
  idOf: (r) => r.meterId,
  check: checkMeterReading,
  upsert: (s, rows) => s.upsertMeterReadings(rows),
  query: (s, q) => s.queryMeterReadings(q),
  listIds: (s, from, to) => s.listMeterIds(from, to),
  payload: (rows) => ({ kind: 'meter', rows }),
  toRecord: (r, source) => ({
    meterId: r.meterId,
    customerId: r.customerId,
    timestamp: r.timestamp,
    energyKwh: r.energyKwh,
    ...(r.powerKw !== undefined ? { powerKw: r.powerKw } : {}),
    ...(r.voltage !== undefined ? { voltage: r.voltage } : {}),
    source,
  }),
  canonical: (r) => `${r.timestamp.getTime()}|${r.customerId}|${num(r.energyKwh)}|${num(r.powerKw)}|${num(r.voltage)}`,
};

export type AnySeriesOps = typeof SENSOR_SERIES | typeof METER_SERIES;

export function seriesOps(kind: SeriesKind): SeriesOps<SensorReading | MeterReading, SensorReadingRecord | MeterReadingRecord> {
  return (kind === 'sensor' ? SENSOR_SERIES : METER_SERIES) as unknown as SeriesOps<
    SensorReading | MeterReading,
    SensorReadingRecord | MeterReadingRecord
  >;
}
