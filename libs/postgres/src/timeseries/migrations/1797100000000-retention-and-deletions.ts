import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and deletion by range.
 *
 * - `meter_readings` becomes range-partitioned by UTC month like `sensor_data`, so retention
 *   drops whole partitions instead of deleting row by row. Rows are copied into the new table,
 *   then the old table's triggers are recreated on it. `ensure_meter_readings_partition(ts)`
 *   creates months on demand, as its owner (the app's role does not own the table).
 * - `drop_expired_partitions(table, horizon)` drops the monthly partitions of `sensor_data` or
 *   `meter_readings` that end at or before `horizon`, as their owner; it returns their names.
 *   Dropping fires no trigger: the aggregates keep what they summarised (they have their own
 *   retention).
 * - `deleted_ranges`: every range deletion applied here, with its stamp. The readings upsert
 *   skips a row that a deletion covers (timestamp in the range, write stamp at or before the
 *   deletion's), so no replay, backfill or repair of an older write brings deleted rows back.
 *   Rows written after the deletion are not covered. Entries whose range ends before the
 *   retention horizon are forgotten with the partitions.
 * - The backlog takes entries of kind `deletion` (a deletion this store holds for Cassandra).
 */
export class RetentionAndDeletions1797100000000 implements MigrationInterface {
  name = 'RetentionAndDeletions1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE meter_readings RENAME TO meter_readings_unpartitioned');
    await q.query('ALTER TABLE meter_readings_unpartitioned RENAME CONSTRAINT meter_readings_pkey TO meter_readings_unpartitioned_pkey');
    await q.query('ALTER INDEX meter_readings_customer_ts_idx RENAME TO meter_readings_unpartitioned_customer_ts_idx');
    await q.query('ALTER INDEX meter_readings_ts_brin RENAME TO meter_readings_unpartitioned_ts_brin');
    await q.query(`
      CREATE TABLE meter_readings (
        meter_id      text             NOT NULL REFERENCES meters (id),
        ts            timestamptz      NOT NULL,
        customer_id   text             NOT NULL,
        energy_kwh    double precision NOT NULL CHECK (energy_kwh >= 0),
        power_kw      double precision,
        voltage       double precision,
        written_at_us bigint           NOT NULL,
        PRIMARY KEY (meter_id, ts)
      ) PARTITION BY RANGE (ts)`);
    await q.query('CREATE INDEX meter_readings_customer_ts_idx ON meter_readings (customer_id, ts)');
    await q.query('CREATE INDEX meter_readings_ts_brin ON meter_readings USING brin (ts)');
    await q.query(`
      CREATE FUNCTION ensure_meter_readings_partition(at timestamptz) RETURNS text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        month_start timestamptz := date_trunc('month', at, 'UTC');
        month_end   timestamptz := month_start + interval '1 month';
        part        text        := 'meter_readings_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        IF to_regclass(quote_ident(part)) IS NOT NULL THEN
          RETURN part;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('ensure_meter_readings_partition'));
        IF to_regclass(quote_ident(part)) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF meter_readings FOR VALUES FROM (%L) TO (%L)',
                         part, month_start, month_end);
        END IF;
        RETURN part;
      END
      $fn$`);
    await q.query('REVOKE ALL ON FUNCTION ensure_meter_readings_partition(timestamptz) FROM PUBLIC');
    await q.query(`
      SELECT ensure_meter_readings_partition(m)
        FROM (SELECT DISTINCT date_trunc('month', ts, 'UTC') AS m FROM meter_readings_unpartitioned) t`);
    await q.query('INSERT INTO meter_readings SELECT meter_id, ts, customer_id, energy_kwh, power_kw, voltage, written_at_us FROM meter_readings_unpartitioned');
    // Every trigger of the old table (aggregates, the registry's latest reading and customer
    // checks, whatever earlier migrations put there) moves to the new one, after the copy so
    // none fires for rows already accounted for.
    await q.query(`
      DO $do$
      DECLARE
        r record;
      BEGIN
        FOR r IN SELECT pg_get_triggerdef(t.oid) AS def FROM pg_trigger t
                  WHERE t.tgrelid = 'meter_readings_unpartitioned'::regclass AND NOT t.tgisinternal
                  ORDER BY t.tgname
        LOOP
          EXECUTE regexp_replace(r.def, ' ON (public\\.)?meter_readings_unpartitioned ', ' ON meter_readings ');
        END LOOP;
      END
      $do$`);
    await q.query('DROP TABLE meter_readings_unpartitioned');

    await q.query(`
      CREATE FUNCTION drop_expired_partitions(p_table text, p_horizon timestamptz) RETURNS text[]
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        r record;
        dropped text[] := '{}';
      BEGIN
        IF p_table NOT IN ('sensor_data', 'meter_readings') THEN
          RAISE EXCEPTION 'drop_expired_partitions: % is not a time-series table', p_table;
        END IF;
        -- Partitions are named <table>_YYYY_MM and hold that UTC month.
        FOR r IN
          SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname = p_table
             AND c.relname ~ ('^' || p_table || '_[0-9]{4}_[0-9]{2}$')
           ORDER BY c.relname
        LOOP
          IF ((to_date(right(r.relname, 7), 'YYYY_MM')::timestamp + interval '1 month') AT TIME ZONE 'UTC') <= p_horizon THEN
            EXECUTE format('DROP TABLE IF EXISTS %I', r.relname);
            dropped := dropped || r.relname::text;
          END IF;
        END LOOP;
        RETURN dropped;
      END
      $fn$`);
    await q.query('REVOKE ALL ON FUNCTION drop_expired_partitions(text, timestamptz) FROM PUBLIC');

    await q.query(`
      CREATE TABLE deleted_ranges (
        kind          text        NOT NULL CHECK (kind IN ('sensor', 'meter')),
        series_id     text        NOT NULL,
        from_ts       timestamptz NOT NULL,
        to_ts         timestamptz NOT NULL CHECK (to_ts > from_ts),
        deleted_at_us bigint      NOT NULL,
        applied_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, series_id, from_ts, to_ts, deleted_at_us)
      )`);
    await q.query("COMMENT ON TABLE deleted_ranges IS 'range deletions applied here; the readings upsert skips rows they cover (timestamp in range, written_at_us <= deleted_at_us)'");

    await q.query('ALTER TABLE replication_backlog DROP CONSTRAINT replication_backlog_kind_check');
    await q.query("ALTER TABLE replication_backlog ADD CONSTRAINT replication_backlog_kind_check CHECK (kind IN ('sensor', 'meter', 'deletion'))");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM replication_backlog WHERE kind = 'deletion'");
    await q.query('ALTER TABLE replication_backlog DROP CONSTRAINT replication_backlog_kind_check');
    await q.query("ALTER TABLE replication_backlog ADD CONSTRAINT replication_backlog_kind_check CHECK (kind IN ('sensor', 'meter'))");
    await q.query('DROP TABLE IF EXISTS deleted_ranges');
    await q.query('DROP FUNCTION IF EXISTS drop_expired_partitions(text, timestamptz)');
    // meter_readings stays partitioned: a rollback keeps the data, not the layout.
  }
}
