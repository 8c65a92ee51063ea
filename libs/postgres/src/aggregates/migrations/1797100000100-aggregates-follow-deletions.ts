import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Aggregates follow range deletions, and survive retention.
 *
 * - `meter_readings` was rebuilt as a partitioned table (RetentionAndDeletions1797100000000):
 *   its consumption triggers are put back on it.
 * - A DELETE of readings (a range deletion; never retention, which drops partitions and fires
 *   no trigger) recomputes what the deleted rows were part of: the sensor's hour and day
 *   buckets (a bucket left empty is removed), and the meter's consumption days between the
 *   stored neighbours of the deleted rows (days left without readings or intervals are
 *   removed). The deleting transaction holds a lock that keeps writers of the table out, so the
 *   recomputation sees every remaining row.
 * - Retention of the aggregates themselves (AGGREGATES_RETENTION_DAYS) deletes by time, so
 *   both tables get an index on it.
 */
export class AggregatesFollowDeletions1797100000100 implements MigrationInterface {
  name = 'AggregatesFollowDeletions1797100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $do$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'meter_readings_consumption_insert' AND tgrelid = 'meter_readings'::regclass) THEN
          CREATE TRIGGER meter_readings_consumption_insert AFTER INSERT ON meter_readings
            REFERENCING NEW TABLE AS inserted_rows
            FOR EACH STATEMENT EXECUTE FUNCTION consumption_aggregates_on_insert();
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'meter_readings_consumption_update' AND tgrelid = 'meter_readings'::regclass) THEN
          CREATE TRIGGER meter_readings_consumption_update AFTER UPDATE ON meter_readings
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION consumption_aggregates_on_update();
        END IF;
      END
      $do$`);

    // Every level of sensor_aggregate_levels() (5m, hour, day), buckets aligned as the insert trigger aligns them.
    await q.query(`
      CREATE FUNCTION sensor_aggregates_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM 1 FROM sensor_aggregates a
          JOIN (SELECT DISTINCT d.sensor_id, b.bucket_interval, date_bin(b.len, d.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start
                  FROM deleted_rows d CROSS JOIN sensor_aggregate_levels() AS b) t
            ON t.sensor_id = a.sensor_id AND t.bucket_interval = a.bucket_interval AND t.bucket_start = a.bucket_start
         ORDER BY a.sensor_id, a.bucket_interval, a.bucket_start
           FOR UPDATE OF a;
        WITH touched AS (
          SELECT DISTINCT d.sensor_id, b.bucket_interval, date_bin(b.len, d.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start, b.len
            FROM deleted_rows d CROSS JOIN sensor_aggregate_levels() AS b
        ), fresh AS (
          SELECT t.sensor_id, t.bucket_interval, t.bucket_start,
                 count(s.ts) AS n, min(s.value) AS mn, max(s.value) AS mx, sum(s.value) AS sm
            FROM touched t
            LEFT JOIN sensor_data s ON s.sensor_id = t.sensor_id AND s.ts >= t.bucket_start AND s.ts < t.bucket_start + t.len
           GROUP BY 1, 2, 3
        ), updated AS (
          UPDATE sensor_aggregates a
             SET count = f.n, min = f.mn, max = f.mx, sum = f.sm, updated_at = now()
            FROM fresh f
           WHERE f.n > 0 AND a.sensor_id = f.sensor_id AND a.bucket_interval = f.bucket_interval AND a.bucket_start = f.bucket_start
          RETURNING a.sensor_id
        )
        DELETE FROM sensor_aggregates a
         USING fresh f
         WHERE f.n = 0 AND a.sensor_id = f.sensor_id AND a.bucket_interval = f.bucket_interval AND a.bucket_start = f.bucket_start;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER sensor_data_aggregates_delete AFTER DELETE ON sensor_data
        REFERENCING OLD TABLE AS deleted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION sensor_aggregates_after_delete()`);

    await q.query(`
      CREATE FUNCTION consumption_aggregates_on_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v_meters text[];
        v_tmin timestamptz[];
        v_tmax timestamptz[];
        v_from date[];
        v_to date[];
      BEGIN
        SELECT array_agg(meter_id ORDER BY meter_id), array_agg(tmin ORDER BY meter_id), array_agg(tmax ORDER BY meter_id)
          INTO v_meters, v_tmin, v_tmax
          FROM (SELECT meter_id, min(ts) AS tmin, max(ts) AS tmax FROM deleted_rows GROUP BY meter_id) t;
        IF v_meters IS NULL THEN
          RETURN NULL;
        END IF;
        INSERT INTO consumption_meters (meter_id) SELECT m FROM unnest(v_meters) AS m ORDER BY 1 ON CONFLICT DO NOTHING;
        PERFORM 1 FROM consumption_meters WHERE meter_id = ANY (v_meters) ORDER BY meter_id FOR UPDATE;
        -- Days from the remaining neighbour before the deleted rows to the one after them.
        SELECT array_agg((COALESCE((SELECT max(r.ts) FROM meter_readings r WHERE r.meter_id = u.meter_id AND r.ts < u.tmin), u.tmin) AT TIME ZONE 'UTC')::date ORDER BY u.i),
               array_agg((COALESCE((SELECT min(r.ts) FROM meter_readings r WHERE r.meter_id = u.meter_id AND r.ts > u.tmax), u.tmax) AT TIME ZONE 'UTC')::date ORDER BY u.i)
          INTO v_from, v_to
          FROM unnest(v_meters, v_tmin, v_tmax) WITH ORDINALITY AS u(meter_id, tmin, tmax, i);
        DELETE FROM consumption_aggregates c
         USING unnest(v_meters, v_from, v_to) AS u(meter_id, d0, d1)
         WHERE c.meter_id = u.meter_id AND c.day BETWEEN u.d0 AND u.d1;
        PERFORM consumption_recompute(v_meters, v_from, v_to);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER meter_readings_consumption_delete AFTER DELETE ON meter_readings
        REFERENCING OLD TABLE AS deleted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION consumption_aggregates_on_delete()`);

    await q.query('CREATE INDEX sensor_aggregates_bucket_start_idx ON sensor_aggregates (bucket_start)');
    await q.query('CREATE INDEX consumption_aggregates_day_idx ON consumption_aggregates (day)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS consumption_aggregates_day_idx');
    await q.query('DROP INDEX IF EXISTS sensor_aggregates_bucket_start_idx');
    await q.query('DROP TRIGGER IF EXISTS meter_readings_consumption_delete ON meter_readings');
    await q.query('DROP FUNCTION IF EXISTS consumption_aggregates_on_delete()');
    await q.query('DROP TRIGGER IF EXISTS sensor_data_aggregates_delete ON sensor_data');
    await q.query('DROP FUNCTION IF EXISTS sensor_aggregates_after_delete()');
  }
}
