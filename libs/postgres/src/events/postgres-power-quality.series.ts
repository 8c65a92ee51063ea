import { Injectable } from '@nestjs/common';
import type { Band, IntervalSummary, PowerQualitySeries } from '@smartgrid/events';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';

interface MeanRow {
  start: Date;
  mean: number;
  readings: string;
}

/**
 * Interval means for EN 50160 reports. Ten-minute (and longer, whole multiples of five
 * minutes) means come from the five-minute aggregates the triggers keep (sum and count per
 * bucket, so the mean of two buckets is the exact mean of their readings); shorter ones from
 * the readings, grouped in the database with date_bin on the same origin. Only the band counts
 * leave the database unless the means are asked for.
 */
@Injectable()
export class PostgresPowerQualitySeries implements PowerQualitySeries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async sensorType(sensorId: string): Promise<string | null> {
    this.connection.assertReady();
    const rows: { sensor_type: string }[] = await this.dataSource.query('SELECT sensor_type FROM sensors WHERE id = $1', [sensorId]);
    return rows[0]?.sensor_type ?? null;
  }

  async intervalMeans(q: { sensorId: string; intervalSeconds: number; from: Date; to: Date; bands: readonly Band[]; withMeans: boolean }): Promise<IntervalSummary> {
    this.connection.assertReady();
    const fromAggregates = q.intervalSeconds % 300 === 0;
    const means = fromAggregates
      ? `SELECT date_bin(make_interval(secs => $2), bucket_start, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS start,
                sum(sum) / sum(count) AS mean, sum(count) AS readings
           FROM sensor_aggregates
          WHERE sensor_id = $1 AND bucket_interval = '5m' AND bucket_start >= $3 AND bucket_start < $4 AND count > 0
          GROUP BY 1`
      : `SELECT date_bin(make_interval(secs => $2), ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS start,
                avg(value) AS mean, count(*) AS readings
           FROM sensor_data
          WHERE sensor_id = $1 AND ts >= $3 AND ts < $4
          GROUP BY 1`;
    const params = [q.sensorId, q.intervalSeconds, q.from.toISOString(), q.to.toISOString()];
    if (q.withMeans) {
      const rows: MeanRow[] = await this.dataSource.query(`${means} ORDER BY 1`, params);
      const inBand = q.bands.map((b) => rows.filter((r) => r.mean >= b.low && r.mean <= b.high).length);
      const values = rows.map((r) => r.mean);
      return {
        measured: rows.length,
        inBand,
        min: values.length ? Math.min(...values) : null,
        max: values.length ? Math.max(...values) : null,
        means: rows.map((r) => ({ start: r.start, mean: r.mean, readings: Number(r.readings) })),
      };
    }
    const bandSql = q.bands
      .map((_, i) => `count(*) FILTER (WHERE mean >= $${5 + i * 2} AND mean <= $${6 + i * 2}) AS b${i}`)
      .join(', ');
    const rows: Record<string, string | number | null>[] = await this.dataSource.query(
      `SELECT count(*) AS measured, min(mean) AS min, max(mean) AS max${bandSql ? `, ${bandSql}` : ''} FROM (${means}) m`,
      [...params, ...q.bands.flatMap((b) => [b.low, b.high])],
    );
    const r = rows[0]!;
    return {
      measured: Number(r.measured),
      inBand: q.bands.map((_, i) => Number(r[`b${i}`])),
      min: r.min === null ? null : Number(r.min),
      max: r.max === null ? null : Number(r.max),
    };
  }
}
