import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly and daily count/min/max/sum/avg per sensor, kept by triggers on `sensor_data`, so
 * every path that writes readings (Kafka ingest, backlog replay, reconcile repairs, the
 * storage CLI) keeps them right.
 *
 * Redelivery-safe by construction: the AFTER INSERT trigger reads the statement's transition
 * table, which holds only the rows actually inserted; a reading that already existed goes
 * through the ON CONFLICT branch and is not in it. When an upsert does change a stored value
 * (a newer write of the same key), a deferred row trigger recomputes that reading's two
 * buckets from the stored rows. Buckets are UTC hours and UTC days.
 */
export class CreateSensorAggregates1795800000000 implements MigrationInterface {
  name = 'CreateSensorAggregates1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sensor_aggregates (
        sensor_id       text             NOT NULL,
        bucket_interval text             NOT NULL CHECK (bucket_interval IN ('hour', 'day')),
        bucket_start    timestamptz      NOT NULL,
        count           bigint           NOT NULL CHECK (count > 0),
        min             double precision NOT NULL,
        max             double precision NOT NULL,
        sum             double precision NOT NULL,
        avg             double precision GENERATED ALWAYS AS (sum / count) STORED,
        updated_at      timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (sensor_id, bucket_interval, bucket_start)
      )`);

    // ORDER BY gives concurrent statements one lock order on the aggregate rows (no deadlocks).
    await q.query(`
      CREATE FUNCTION sensor_aggregates_add_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO sensor_aggregates AS a (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
        SELECT n.sensor_id, b.bucket_interval, date_trunc(b.bucket_interval, n.ts, 'UTC'),
               count(*), min(n.value), max(n.value), sum(n.value)
          FROM inserted_rows n CROSS JOIN (VALUES ('hour'), ('day')) AS b(bucket_interval)
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

    // Rare path: an upsert changed a stored value (a newer write of an existing key).
    // Recomputing from the stored rows has to see every row the transaction inserted *and*
    // already counted, whatever order PostgreSQL fires the INSERT and UPDATE statement
    // triggers of an INSERT .. ON CONFLICT DO UPDATE in; a row-level constraint trigger
    // deferred to commit runs after all of them. It locks the two aggregate rows first
    // (waiting for concurrent incremental updates to commit), then recomputes in a new
    // statement, whose snapshot sees what they committed.
    await q.query(`
      CREATE FUNCTION sensor_aggregates_recompute_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM 1 FROM sensor_aggregates a
         WHERE a.sensor_id = NEW.sensor_id
           AND ((a.bucket_interval = 'day' AND a.bucket_start = date_trunc('day', NEW.ts, 'UTC'))
             OR (a.bucket_interval = 'hour' AND a.bucket_start = date_trunc('hour', NEW.ts, 'UTC')))
         ORDER BY a.bucket_interval, a.bucket_start
           FOR UPDATE;
        INSERT INTO sensor_aggregates AS a (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
        SELECT NEW.sensor_id, b.bucket_interval, b.bucket_start, count(*), min(s.value), max(s.value), sum(s.value)
          FROM (VALUES ('day', date_trunc('day', NEW.ts, 'UTC'), interval '1 day'),
                       ('hour', date_trunc('hour', NEW.ts, 'UTC'), interval '1 hour')) AS b(bucket_interval, bucket_start, len)
          JOIN sensor_data s ON s.sensor_id = NEW.sensor_id AND s.ts >= b.bucket_start AND s.ts < b.bucket_start + b.len
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (sensor_id, bucket_interval, bucket_start) DO UPDATE
           SET count = EXCLUDED.count, min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum, updated_at = now();
        RETURN NULL;
      END
      $fn$`);

    await q.query(`
      CREATE TRIGGER sensor_data_aggregates_insert AFTER INSERT ON sensor_data
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION sensor_aggregates_add_inserted()`);
    // Redelivered readings come back with the same value and never fire this one.
    await q.query(`
      CREATE CONSTRAINT TRIGGER sensor_data_aggregates_update AFTER UPDATE ON sensor_data
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value)
        EXECUTE FUNCTION sensor_aggregates_recompute_row()`);

    // Readings already stored before this migration.
    await q.query(`
      INSERT INTO sensor_aggregates (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
      SELECT s.sensor_id, b.bucket_interval, date_trunc(b.bucket_interval, s.ts, 'UTC'), count(*), min(s.value), max(s.value), sum(s.value)
        FROM sensor_data s CROSS JOIN (VALUES ('hour'), ('day')) AS b(bucket_interval)
       GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS sensor_data_aggregates_update ON sensor_data');
    await q.query('DROP TRIGGER IF EXISTS sensor_data_aggregates_insert ON sensor_data');
    await q.query('DROP FUNCTION IF EXISTS sensor_aggregates_recompute_row()');
    await q.query('DROP FUNCTION IF EXISTS sensor_aggregates_add_inserted()');
    await q.query('DROP TABLE IF EXISTS sensor_aggregates');
  }
}
