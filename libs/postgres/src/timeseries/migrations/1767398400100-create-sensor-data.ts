import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sensor readings, range-partitioned by UTC month. Partitions are created on demand by
 * `ensure_sensor_data_partition(ts)`, which the adapter calls for each month a batch touches
 * (once per month per process) and at start-up for the current and next month. There is no
 * default partition: attaching a month later would have to scan it, and validation already
 * refuses timestamps outside [2000-01-01, now + 1 day].
 *
 * `written_at_us` is the write stamp (µs since epoch): an upsert only replaces a row with a
 * newer stamp, the same rule Cassandra applies with USING TIMESTAMP, so both stores converge.
 */
export class CreateSensorData1767398400100 implements MigrationInterface {
  name = 'CreateSensorData1767398400100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sensor_data (
        sensor_id     text             NOT NULL REFERENCES sensors (id),
        ts            timestamptz      NOT NULL,
        value         double precision NOT NULL,
        written_at_us bigint           NOT NULL,
        PRIMARY KEY (sensor_id, ts)
      ) PARTITION BY RANGE (ts)`);
    // The primary key serves per-sensor range reads; BRIN serves time-range scans across all
    // sensors (reconcile, backfill, aggregates) at a tiny size, since rows arrive in time order.
    await q.query('CREATE INDEX sensor_data_ts_brin ON sensor_data USING brin (ts)');
    await q.query(`
      CREATE FUNCTION ensure_sensor_data_partition(at timestamptz) RETURNS text
      LANGUAGE plpgsql AS $fn$
      DECLARE
        month_start timestamptz := date_trunc('month', at, 'UTC');
        month_end   timestamptz := month_start + interval '1 month';
        part        text        := 'sensor_data_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        IF to_regclass(quote_ident(part)) IS NOT NULL THEN
          RETURN part;
        END IF;
        -- Serialises creators; the second one finds the table and returns.
        PERFORM pg_advisory_xact_lock(hashtext('ensure_sensor_data_partition'));
        IF to_regclass(quote_ident(part)) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF sensor_data FOR VALUES FROM (%L) TO (%L)',
                         part, month_start, month_end);
        END IF;
        RETURN part;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sensor_data CASCADE');
    await q.query('DROP FUNCTION IF EXISTS ensure_sensor_data_partition(timestamptz)');
  }
}
