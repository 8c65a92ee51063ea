import { Injectable } from '@nestjs/common';
import type {
  AggregatesStore,
  ConsumptionInterval,
  CustomerConsumption,
  MeterConsumption,
  SensorAggregate,
  SensorBucketInterval,
} from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';

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
