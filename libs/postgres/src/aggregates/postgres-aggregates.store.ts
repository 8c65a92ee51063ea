import { Injectable } from '@nestjs/common';
import type {
  AggregatesStore,
  ConsumptionInterval,
  CustomerConsumption,
  MeterConsumption,
  MeterStep,
  SensorAggregate,
  SensorBucketInterval,
  SeriesStep,
} from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';

const ORIGIN = "TIMESTAMPTZ '2000-01-01 00:00:00+00'";
const STEP_INTERVAL: Record<SeriesStep, string> = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };
/** The kept level a step is read from. */
const STEP_LEVEL: Record<Exclude<SeriesStep, '1m'>, string> = { '5m': '5m', '15m': '5m', '1h': 'hour', '1d': 'day' };

/**
 * AggregatesStore over sensor_aggregates and consumption_aggregates (kept by the triggers in
 * `aggregatesMigrations`). Ranges are half-open: [from, to); sensor buckets are returned when
 * they overlap the range.
 */
@Injectable()
export class PostgresAggregatesStore implements AggregatesStore {
  constructor(private readonly dataSource: DataSource) {}

  async sensorAggregates(sensorId: string, interval: SensorBucketInterval, from: Date, to: Date): Promise<SensorAggregate[]> {
    const rows: { bucket_start: Date; count: string; min: number; max: number; sum: number; avg: number }[] = await this.dataSource.query(
      `SELECT bucket_start, count, min, max, sum, avg
         FROM sensor_aggregates
        WHERE sensor_id = $1 AND bucket_interval = $2
          -- every bucket that overlaps [from, to), so an unaligned 'from' keeps its first bucket
          AND bucket_start > $3::timestamptz - $5::interval AND bucket_start < $4
        ORDER BY bucket_start`,
      [sensorId, interval, from.toISOString(), to.toISOString(), interval === 'hour' ? '1 hour' : '1 day'],
    );
    return rows.map((r) => ({ bucketStart: new Date(r.bucket_start), count: Number(r.count), min: r.min, max: r.max, sum: r.sum, avg: r.avg }));
  }

  /**
   * 1m: from the raw readings (date_bin over the primary-key range); 5m and 15m: from the
   * kept five-minute level (three of them per 15-minute bucket); 1h and 1d: the hourly and
   * daily levels. Every level is aligned on 2000-01-01T00:00:00Z, so they nest.
   */
  async sensorSteps(sensorId: string, step: SeriesStep, from: Date, to: Date): Promise<SensorAggregate[]> {
    const len = STEP_INTERVAL[step];
    type Row = { bucket_start: Date; count: string; min: number; max: number; sum: number };
    let rows: Row[];
    if (step === '1m') {
      rows = await this.dataSource.query(
        `SELECT date_bin($4::interval, ts, ${ORIGIN}) AS bucket_start, count(*) AS count, min(value) AS min, max(value) AS max, sum(value) AS sum
           FROM sensor_data
          WHERE sensor_id = $1 AND ts >= date_bin($4::interval, $2::timestamptz, ${ORIGIN}) AND ts < $3
          GROUP BY 1 ORDER BY 1`,
        [sensorId, from.toISOString(), to.toISOString(), len],
      );
    } else {
      // 15m groups three five-minute buckets; 5m, 1h and 1d are kept levels whose rows are the buckets.
      const grouped = step === '15m';
      rows = await this.dataSource.query(
        `SELECT ${grouped ? `date_bin($5::interval, bucket_start, ${ORIGIN}) AS bucket_start, sum(count) AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum` : 'bucket_start, count, min, max, sum'}
           FROM sensor_aggregates
          WHERE sensor_id = $1 AND bucket_interval = $2
            AND bucket_start >= date_bin($5::interval, $3::timestamptz, ${ORIGIN}) AND bucket_start < $4
          ${grouped ? 'GROUP BY 1' : ''} ORDER BY 1`,
        [sensorId, STEP_LEVEL[step], from.toISOString(), to.toISOString(), len],
      );
    }
    return rows.map((r) => {
      const count = Number(r.count);
      return { bucketStart: new Date(r.bucket_start), count, min: r.min, max: r.max, sum: r.sum, avg: r.sum / count };
    });
  }

  async meterSteps(meterId: string, step: SeriesStep, from: Date, to: Date): Promise<MeterStep[]> {
    const rows: { bucket_start: Date; count: string; emin: number; emax: number; pmin: number | null; pmax: number | null; pavg: number | null }[] =
      await this.dataSource.query(
        `SELECT date_bin($4::interval, ts, ${ORIGIN}) AS bucket_start, count(*) AS count,
                min(energy_kwh) AS emin, max(energy_kwh) AS emax, min(power_kw) AS pmin, max(power_kw) AS pmax, avg(power_kw) AS pavg
           FROM meter_readings
          WHERE meter_id = $1 AND ts >= date_bin($4::interval, $2::timestamptz, ${ORIGIN}) AND ts < $3
          GROUP BY 1 ORDER BY 1`,
        [meterId, from.toISOString(), to.toISOString(), STEP_INTERVAL[step]],
      );
    return rows.map((r) => ({
      bucketStart: new Date(r.bucket_start),
      count: Number(r.count),
      energyKwhMin: r.emin,
      energyKwhMax: r.emax,
      powerKwMin: r.pmin,
      powerKwMax: r.pmax,
      powerKwAvg: r.pavg === null ? null : Number(r.pavg),
    }));
  }

  /** Days are UTC dates; `fromDay` inclusive, `toDay` exclusive (YYYY-MM-DD). */
  async meterConsumption(meterId: string, fromDay: string, toDay: string): Promise<MeterConsumption[]> {
    const rows: { day: string; customer_id: string; consumption_kwh: number; readings: number; register_resets: number }[] =
      await this.dataSource.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, customer_id, consumption_kwh, readings, register_resets
           FROM consumption_aggregates
          WHERE meter_id = $1 AND day >= $2::date AND day < $3::date
          ORDER BY day`,
        [meterId, fromDay, toDay],
      );
    return rows.map((r) => ({
      day: r.day,
      customerId: r.customer_id,
      consumptionKwh: r.consumption_kwh,
      readings: r.readings,
      registerResets: r.register_resets,
    }));
  }

  /** Sensor buckets that end at or before the horizon, consumption days before its UTC day (AGGREGATES_RETENTION_DAYS). */
  async dropExpired(horizon: Date): Promise<{ sensorBuckets: number; consumptionDays: number }> {
    const buckets: { n: string }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM sensor_aggregates
          WHERE bucket_start + CASE bucket_interval WHEN '5m' THEN interval '5 minutes' WHEN 'hour' THEN interval '1 hour' ELSE interval '1 day' END <= $1
            AND bucket_start < $1
         RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [horizon.toISOString()],
    );
    const days: { n: string }[] = await this.dataSource.query(
      `WITH gone AS (DELETE FROM consumption_aggregates WHERE day < ($1::timestamptz AT TIME ZONE 'UTC')::date RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [horizon.toISOString()],
    );
    return { sensorBuckets: Number(buckets[0]?.n ?? 0), consumptionDays: Number(days[0]?.n ?? 0) };
  }

  async customerConsumption(customerId: string, interval: ConsumptionInterval, fromDay: string, toDay: string): Promise<CustomerConsumption[]> {
    const period = interval === 'day' ? `to_char(day, 'YYYY-MM-DD')` : `to_char(date_trunc('month', day), 'YYYY-MM')`;
    const rows: { period: string; kwh: number; meters: string; readings: string; resets: string }[] = await this.dataSource.query(
      `SELECT ${period} AS period, sum(consumption_kwh) AS kwh, count(DISTINCT meter_id) AS meters,
              sum(readings) AS readings, sum(register_resets) AS resets
         FROM consumption_aggregates
        WHERE customer_id = $1 AND day >= $2::date AND day < $3::date
        GROUP BY 1
        ORDER BY 1`,
      [customerId, fromDay, toDay],
    );
    return rows.map((r) => ({
      period: r.period,
      consumptionKwh: Number(r.kwh),
      meters: Number(r.meters),
      readings: Number(r.readings),
      registerResets: Number(r.resets),
    }));
  }
}
