export type SensorBucketInterval = 'hour' | 'day';
/** Chart steps of the readings routes (`step=`). */
export type SeriesStep = '1m' | '5m' | '15m' | '1h' | '1d';
export const SERIES_STEPS: readonly SeriesStep[] = ['1m', '5m', '15m', '1h', '1d'];
export type ConsumptionInterval = 'day' | 'month';

/** One sensor's readings summarised over one hour or UTC day. */
export interface SensorAggregate {
  bucketStart: Date;
  count: number;
  min: number;
  max: number;
  sum: number;
  avg: number;
}

/** A meter's readings summarised over one step: the register's range and the power drawn. */
export interface MeterStep {
  bucketStart: Date;
  count: number;
  energyKwhMin: number;
  energyKwhMax: number;
  /** Null when no reading of the step carried power. */
  powerKwMin: number | null;
  powerKwMax: number | null;
  powerKwAvg: number | null;
}

/** One meter's consumption on one UTC day, derived from its cumulative register. */
export interface MeterConsumption {
  /** YYYY-MM-DD (UTC). */
  day: string;
  customerId: string;
  consumptionKwh: number;
  readings: number;
  registerResets: number;
}

/** A customer's consumption over one period, summed over its meters. */
export interface CustomerConsumption {
  /** YYYY-MM-DD (day) or YYYY-MM (month), UTC. */
  period: string;
  consumptionKwh: number;
  meters: number;
  readings: number;
  registerResets: number;
}

/**
 * Reads of the aggregates kept as readings are written (sensor buckets, daily consumption).
 * Ranges are half-open, [from, to); sensor buckets are returned when they overlap the range.
 * Maintaining them is the adapter's business (PostgreSQL does it with triggers, so Kafka
 * redelivery, backlog replay and repair count each reading once).
 */
export interface AggregatesStore {
  sensorAggregates(sensorId: string, interval: SensorBucketInterval, from: Date, to: Date): Promise<SensorAggregate[]>;
  /**
   * A sensor's series downsampled to `step` (buckets aligned on 2000-01-01T00:00:00Z, those
   * overlapping [from, to)), computed close to the data: from the kept aggregates where a
   * level fits the step, from the raw readings otherwise.
   */
  sensorSteps(sensorId: string, step: SeriesStep, from: Date, to: Date): Promise<SensorAggregate[]>;
  /** A meter's readings downsampled to `step` (from the raw readings: meters report every few minutes at most). */
  meterSteps(meterId: string, step: SeriesStep, from: Date, to: Date): Promise<MeterStep[]>;
  /** Days are UTC dates; `fromDay` inclusive, `toDay` exclusive (YYYY-MM-DD). */
  meterConsumption(meterId: string, fromDay: string, toDay: string): Promise<MeterConsumption[]>;
  customerConsumption(customerId: string, interval: ConsumptionInterval, fromDay: string, toDay: string): Promise<CustomerConsumption[]>;
  /** Retention: removes sensor buckets that end at or before `horizon` and consumption days before its UTC day. Returns rows removed. */
  dropExpired(horizon: Date): Promise<{ sensorBuckets: number; consumptionDays: number }>;
}

export const AGGREGATES_STORE = Symbol('AGGREGATES_STORE');
