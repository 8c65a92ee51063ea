import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A third level of sensor aggregates, five-minute buckets (`bucket_interval = '5m'`), kept by
 * the same triggers as the hourly and daily ones. Charts at 5- and 15-minute steps read them
 * (a 15-minute bucket is three 5-minute ones) instead of scanning raw readings: a month of
 * 1 Hz data is 2.6 million rows but 8,928 five-minute buckets. Buckets are aligned on
 * 2000-01-01T00:00:00Z (date_bin), so 5m, hour and day buckets nest.
 */
export class FiveMinuteSensorAggregates1796100000000 implements MigrationInterface {
  name = 'FiveMinuteSensorAggregates1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sensor_aggregates DROP CONSTRAINT IF EXISTS sensor_aggregates_bucket_interval_check');
    await q.query("ALTER TABLE sensor_aggregates ADD CONSTRAINT sensor_aggregates_bucket_interval_check CHECK (bucket_interval IN ('5m', 'hour', 'day'))");

    await q.query(`
      CREATE OR REPLACE FUNCTION sensor_aggregate_levels() RETURNS TABLE (bucket_interval text, len interval)
      LANGUAGE sql IMMUTABLE AS $fn$
        VALUES ('5m', interval '5 minutes'), ('hour', interval '1 hour'), ('day', interval '1 day')
      $fn$`);

    await q.query(`
      CREATE OR REPLACE FUNCTION sensor_aggregates_add_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO sensor_aggregates AS a (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
        SELECT n.sensor_id, b.bucket_interval, date_bin(b.len, n.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
               count(*), min(n.value), max(n.value), sum(n.value)
          FROM inserted_rows n CROSS JOIN sensor_aggregate_levels() AS b
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (sensor_id, bucket_interval, bucket_start) DO UPDATE
           SET count = a.count + EXCLUDED.count,
               min = LEAST(a.min, EXCLUDED.min),
               max = GREATEST(a.max, EXCLUDED.max),
               sum = a.sum + EXCLUDED.sum,
               updated_at = now();
        RETURN NULL;
      END
      $fn$`);

    await q.query(`
      CREATE OR REPLACE FUNCTION sensor_aggregates_recompute_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM 1 FROM sensor_aggregates a
          JOIN sensor_aggregate_levels() b ON b.bucket_interval = a.bucket_interval
         WHERE a.sensor_id = NEW.sensor_id
           AND a.bucket_start = date_bin(b.len, NEW.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00')
         ORDER BY a.bucket_interval, a.bucket_start
           FOR UPDATE OF a;
        INSERT INTO sensor_aggregates AS a (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
        SELECT NEW.sensor_id, b.bucket_interval, b.bucket_start, count(*), min(s.value), max(s.value), sum(s.value)
          FROM (SELECT l.bucket_interval, l.len, date_bin(l.len, NEW.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start
                  FROM sensor_aggregate_levels() l) AS b
          JOIN sensor_data s ON s.sensor_id = NEW.sensor_id AND s.ts >= b.bucket_start AND s.ts < b.bucket_start + b.len
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (sensor_id, bucket_interval, bucket_start) DO UPDATE
           SET count = EXCLUDED.count, min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum, updated_at = now();
        RETURN NULL;
      END
      $fn$`);

    // Readings already stored.
    await q.query(`
      INSERT INTO sensor_aggregates (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
      SELECT s.sensor_id, '5m', date_bin(interval '5 minutes', s.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
             count(*), min(s.value), max(s.value), sum(s.value)
        FROM sensor_data s
       GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM sensor_aggregates WHERE bucket_interval = '5m'");
    await q.query(`
      CREATE OR REPLACE FUNCTION sensor_aggregate_levels() RETURNS TABLE (bucket_interval text, len interval)
      LANGUAGE sql IMMUTABLE AS $fn$ VALUES ('hour', interval '1 hour'), ('day', interval '1 day') $fn$`);
    await q.query('ALTER TABLE sensor_aggregates DROP CONSTRAINT IF EXISTS sensor_aggregates_bucket_interval_check');
    await q.query("ALTER TABLE sensor_aggregates ADD CONSTRAINT sensor_aggregates_bucket_interval_check CHECK (bucket_interval IN ('hour', 'day'))");
  }
}
