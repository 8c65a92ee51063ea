import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS_CHECK = "CHECK (status IN ('unregistered', 'active', 'inactive', 'decommissioned'))";

/**
 * The grid registry on top of the reference rows ingest creates on first sight.
 *
 * - customers, meters and sensors get the fields operators manage (name, address, contact,
 *   serial, model, site, the meter a sensor hangs off, installation dates) and a `status`.
 *   Rows created by ingest are `unregistered` until an operator completes them;
 *   `decommissioned_at` is set exactly when the status is `decommissioned`.
 * - `sensors.operator_fields` lists the descriptive fields an operator has set (sensorType,
 *   unit, location): ingest no longer overwrites those.
 * - `metadata` keeps meaning what devices reported (merged by ingest). The metadata document
 *   itself lives in MongoDB; `metadata_search` is its copy for `meta.<path>=` filters (GIN,
 *   jsonb_path_ops), written under the device's row lock with the document's revision.
 * - `device_metadata_inbox`: metadata changes reported by devices, written by ingest in the
 *   transaction that records them and applied to MongoDB by the registry (so nothing is lost
 *   while MongoDB is down). Seeded here with what devices reported so far.
 * - `meter_assignments`: which customer a meter belongs to from when (`-infinity`: since the
 *   beginning); each assignment runs until the next one. Replaces `meters.customer_id` (the
 *   first customer seen), which becomes the meter's first assignment.
 * - `sensor_latest` / `meter_latest`: each device's newest reading, kept by statement triggers
 *   on the readings tables (every write path: ingest, replay, repair), so fleet views and
 *   `silent_for` read one row per device instead of scanning readings.
 * - `meter_customer_mismatches`: readings that name another customer than the registry's
 *   assignment at their time, counted per (meter, reading customer, registry customer) by a
 *   trigger (transition tables hold only new rows, so redelivery counts nothing twice); the
 *   app turns new counts into a metric and a grid event.
 */
export class GridRegistry1797000000000 implements MigrationInterface {
  name = 'GridRegistry1797000000000';

  async up(q: QueryRunner): Promise<void> {
    // Trigram indexes serve the `q=` text search (ILIKE '%…%') on ids and names.
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');

    await q.query(`
      ALTER TABLE customers
        ADD COLUMN address    text  CHECK (length(address) <= 500),
        ADD COLUMN contact    jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN status     text  NOT NULL DEFAULT 'unregistered' ${STATUS_CHECK},
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT customers_name_length CHECK (length(name) <= 200)`);

    await q.query(`
      ALTER TABLE meters
        ADD COLUMN name              text CHECK (length(name) <= 200),
        ADD COLUMN serial            text CHECK (length(serial) <= 128),
        ADD COLUMN model             text CHECK (length(model) <= 128),
        ADD COLUMN status            text NOT NULL DEFAULT 'unregistered' ${STATUS_CHECK},
        ADD COLUMN installed_at      timestamptz,
        ADD COLUMN decommissioned_at timestamptz,
        ADD COLUMN metadata_search   jsonb  NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN metadata_rev      bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT meters_decommissioned CHECK ((status = 'decommissioned') = (decommissioned_at IS NOT NULL))`);

    await q.query(`
      ALTER TABLE sensors
        ADD COLUMN name              text CHECK (length(name) <= 200),
        ADD COLUMN status            text NOT NULL DEFAULT 'unregistered' ${STATUS_CHECK},
        ADD COLUMN meter_id          text REFERENCES meters (id),
        ADD COLUMN site              text CHECK (length(site) <= 200),
        ADD COLUMN installed_at      timestamptz,
        ADD COLUMN decommissioned_at timestamptz,
        ADD COLUMN operator_fields   text[] NOT NULL DEFAULT '{}',
        ADD COLUMN metadata_search   jsonb  NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN metadata_rev      bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT sensors_decommissioned CHECK ((status = 'decommissioned') = (decommissioned_at IS NOT NULL)),
        ADD CONSTRAINT sensors_meter_or_site CHECK (meter_id IS NULL OR site IS NULL)`);
    await q.query("COMMENT ON COLUMN sensors.metadata IS 'metadata as reported by the device (merged by ingest); the document is in MongoDB'");
    await q.query("COMMENT ON COLUMN meters.metadata IS 'metadata as reported by the device (merged by ingest); the document is in MongoDB'");
    await q.query("COMMENT ON COLUMN sensors.metadata_search IS 'copy of the MongoDB metadata document, for meta.<path> filters'");
    await q.query("COMMENT ON COLUMN meters.metadata_search IS 'copy of the MongoDB metadata document, for meta.<path> filters'");

    // Reported metadata is compared row by row (primary key), never searched: its GIN index goes.
    await q.query('DROP INDEX IF EXISTS sensors_metadata_gin');
    for (const t of ['sensors', 'meters']) {
      await q.query(`CREATE INDEX ${t}_metadata_search_gin ON ${t} USING gin (metadata_search jsonb_path_ops)`);
      // Bounding boxes are lon/lat rectangles (not geodesic polygons): a geometry index serves them.
      await q.query(`CREATE INDEX ${t}_location_geom_gist ON ${t} USING gist ((location::geometry))`);
      await q.query(`CREATE INDEX ${t}_status_idx ON ${t} (status, id)`);
      await q.query(`CREATE INDEX ${t}_id_trgm ON ${t} USING gin (id gin_trgm_ops)`);
      await q.query(`CREATE INDEX ${t}_name_trgm ON ${t} USING gin (name gin_trgm_ops)`);
    }
    await q.query('CREATE INDEX customers_status_idx ON customers (status, id)');
    await q.query('CREATE INDEX customers_id_trgm ON customers USING gin (id gin_trgm_ops)');
    await q.query('CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops)');
    await q.query('CREATE INDEX meters_serial_trgm ON meters USING gin (serial gin_trgm_ops)');
    await q.query('CREATE INDEX sensors_meter_id_idx ON sensors (meter_id) WHERE meter_id IS NOT NULL');

    await q.query(`
      CREATE TABLE meter_assignments (
        meter_id    text        NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
        valid_from  timestamptz NOT NULL,
        customer_id text        NOT NULL REFERENCES customers (id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text        NOT NULL,
        PRIMARY KEY (meter_id, valid_from)
      )`);
    await q.query('CREATE INDEX meter_assignments_customer_idx ON meter_assignments (customer_id, meter_id)');
    await q.query(`
      INSERT INTO meter_assignments (meter_id, valid_from, customer_id, created_by)
      SELECT id, '-infinity', customer_id, 'ingest' FROM meters`);
    await q.query('ALTER TABLE meters DROP COLUMN customer_id');

    await q.query(`
      CREATE TABLE device_metadata_inbox (
        seq         bigserial   PRIMARY KEY,
        kind        text        NOT NULL CHECK (kind IN ('sensor', 'meter')),
        device_id   text        NOT NULL,
        patch       jsonb       NOT NULL,
        observed_at timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO device_metadata_inbox (kind, device_id, patch, observed_at)
      SELECT 'sensor', id, metadata, updated_at FROM sensors WHERE metadata <> '{}'::jsonb
      UNION ALL
      SELECT 'meter', id, metadata, updated_at FROM meters WHERE metadata <> '{}'::jsonb`);

    await q.query(`
      CREATE TABLE sensor_latest (
        sensor_id  text             PRIMARY KEY REFERENCES sensors (id) ON DELETE CASCADE,
        ts         timestamptz      NOT NULL,
        value      double precision NOT NULL,
        unit       text,
        updated_at timestamptz      NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE meter_latest (
        meter_id    text             PRIMARY KEY REFERENCES meters (id) ON DELETE CASCADE,
        ts          timestamptz      NOT NULL,
        customer_id text             NOT NULL,
        energy_kwh  double precision NOT NULL,
        power_kw    double precision,
        voltage     double precision,
        updated_at  timestamptz      NOT NULL DEFAULT now()
      )`);
    // `silent_for`: devices whose newest reading is older than a cut-off.
    await q.query('CREATE INDEX sensor_latest_ts_idx ON sensor_latest (ts)');
    await q.query('CREATE INDEX meter_latest_ts_idx ON meter_latest (ts)');

    // ORDER BY gives concurrent statements one lock order on the latest rows.
    await q.query(`
      CREATE FUNCTION sensor_latest_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO sensor_latest AS l (sensor_id, ts, value, unit)
        SELECT DISTINCT ON (n.sensor_id) n.sensor_id, n.ts, n.value, n.unit
          FROM inserted_rows n
         ORDER BY n.sensor_id, n.ts DESC
        ON CONFLICT (sensor_id) DO UPDATE
           SET ts = EXCLUDED.ts, value = EXCLUDED.value, unit = EXCLUDED.unit, updated_at = now()
         WHERE l.ts < EXCLUDED.ts;
        RETURN NULL;
      END
      $fn$`);
    // A newer write of the newest reading's key (same timestamp, another value).
    await q.query(`
      CREATE FUNCTION sensor_latest_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE sensor_latest l SET value = n.value, unit = n.unit, updated_at = now()
          FROM new_rows n
         WHERE l.sensor_id = n.sensor_id AND l.ts = n.ts AND (l.value IS DISTINCT FROM n.value OR l.unit IS DISTINCT FROM n.unit);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER sensor_data_latest_insert AFTER INSERT ON sensor_data
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION sensor_latest_on_insert()`);
    await q.query(`
      CREATE TRIGGER sensor_data_latest_update AFTER UPDATE ON sensor_data
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION sensor_latest_on_update()`);

    await q.query(`
      CREATE FUNCTION meter_latest_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO meter_latest AS l (meter_id, ts, customer_id, energy_kwh, power_kw, voltage)
        SELECT DISTINCT ON (n.meter_id) n.meter_id, n.ts, n.customer_id, n.energy_kwh, n.power_kw, n.voltage
          FROM inserted_rows n
         ORDER BY n.meter_id, n.ts DESC
        ON CONFLICT (meter_id) DO UPDATE
           SET ts = EXCLUDED.ts, customer_id = EXCLUDED.customer_id, energy_kwh = EXCLUDED.energy_kwh,
               power_kw = EXCLUDED.power_kw, voltage = EXCLUDED.voltage, updated_at = now()
         WHERE l.ts < EXCLUDED.ts;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION meter_latest_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE meter_latest l
           SET customer_id = n.customer_id, energy_kwh = n.energy_kwh, power_kw = n.power_kw, voltage = n.voltage, updated_at = now()
          FROM new_rows n
         WHERE l.meter_id = n.meter_id AND l.ts = n.ts
           AND (l.energy_kwh IS DISTINCT FROM n.energy_kwh OR l.customer_id IS DISTINCT FROM n.customer_id
             OR l.power_kw IS DISTINCT FROM n.power_kw OR l.voltage IS DISTINCT FROM n.voltage);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER meter_readings_latest_insert AFTER INSERT ON meter_readings
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION meter_latest_on_insert()`);
    await q.query(`
      CREATE TRIGGER meter_readings_latest_update AFTER UPDATE ON meter_readings
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION meter_latest_on_update()`);

    // Readings stored before this migration: one index probe per device.
    await q.query(`
      INSERT INTO sensor_latest (sensor_id, ts, value, unit)
      SELECT s.id, d.ts, d.value, d.unit FROM sensors s
       CROSS JOIN LATERAL (SELECT ts, value, unit FROM sensor_data x WHERE x.sensor_id = s.id ORDER BY ts DESC LIMIT 1) d`);
    await q.query(`
      INSERT INTO meter_latest (meter_id, ts, customer_id, energy_kwh, power_kw, voltage)
      SELECT m.id, r.ts, r.customer_id, r.energy_kwh, r.power_kw, r.voltage FROM meters m
       CROSS JOIN LATERAL (SELECT * FROM meter_readings x WHERE x.meter_id = m.id ORDER BY ts DESC LIMIT 1) r`);

    await q.query(`
      CREATE TABLE meter_customer_mismatches (
        meter_id             text        NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
        reading_customer_id  text        NOT NULL,
        registry_customer_id text        NOT NULL,
        first_ts             timestamptz NOT NULL,
        last_ts              timestamptz NOT NULL,
        readings             bigint      NOT NULL,
        notified_readings    bigint      NOT NULL DEFAULT 0,
        first_seen_at        timestamptz NOT NULL DEFAULT now(),
        last_seen_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (meter_id, reading_customer_id, registry_customer_id)
      )`);
    await q.query('CREATE INDEX meter_customer_mismatches_pending ON meter_customer_mismatches (meter_id) WHERE readings > notified_readings');
    await q.query(`
      CREATE FUNCTION meter_customer_mismatch_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO meter_customer_mismatches AS x (meter_id, reading_customer_id, registry_customer_id, first_ts, last_ts, readings)
        SELECT n.meter_id, n.customer_id, a.customer_id, min(n.ts), max(n.ts), count(*)
          FROM inserted_rows n
          JOIN LATERAL (SELECT customer_id FROM meter_assignments a
                         WHERE a.meter_id = n.meter_id AND a.valid_from <= n.ts
                         ORDER BY a.valid_from DESC LIMIT 1) a ON true
         WHERE a.customer_id <> n.customer_id
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (meter_id, reading_customer_id, registry_customer_id) DO UPDATE
           SET first_ts = LEAST(x.first_ts, EXCLUDED.first_ts), last_ts = GREATEST(x.last_ts, EXCLUDED.last_ts),
               readings = x.readings + EXCLUDED.readings, last_seen_at = now();
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER meter_readings_customer_mismatch AFTER INSERT ON meter_readings
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION meter_customer_mismatch_on_insert()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS meter_readings_customer_mismatch ON meter_readings');
    await q.query('DROP FUNCTION IF EXISTS meter_customer_mismatch_on_insert()');
    await q.query('DROP TABLE IF EXISTS meter_customer_mismatches');
    await q.query('DROP TRIGGER IF EXISTS meter_readings_latest_update ON meter_readings');
    await q.query('DROP TRIGGER IF EXISTS meter_readings_latest_insert ON meter_readings');
    await q.query('DROP TRIGGER IF EXISTS sensor_data_latest_update ON sensor_data');
    await q.query('DROP TRIGGER IF EXISTS sensor_data_latest_insert ON sensor_data');
    await q.query('DROP FUNCTION IF EXISTS meter_latest_on_update()');
    await q.query('DROP FUNCTION IF EXISTS meter_latest_on_insert()');
    await q.query('DROP FUNCTION IF EXISTS sensor_latest_on_update()');
    await q.query('DROP FUNCTION IF EXISTS sensor_latest_on_insert()');
    await q.query('DROP TABLE IF EXISTS meter_latest');
    await q.query('DROP TABLE IF EXISTS sensor_latest');
    await q.query('DROP TABLE IF EXISTS device_metadata_inbox');
    await q.query('ALTER TABLE meters ADD COLUMN customer_id text REFERENCES customers (id)');
    await q.query(`
      UPDATE meters m SET customer_id = (SELECT customer_id FROM meter_assignments a WHERE a.meter_id = m.id ORDER BY valid_from LIMIT 1)`);
    await q.query('DROP TABLE IF EXISTS meter_assignments');
    await q.query('CREATE INDEX IF NOT EXISTS sensors_metadata_gin ON sensors USING gin (metadata jsonb_path_ops)');
    await q.query(`
      ALTER TABLE sensors
        DROP COLUMN name, DROP COLUMN status, DROP COLUMN meter_id, DROP COLUMN site, DROP COLUMN installed_at,
        DROP COLUMN decommissioned_at, DROP COLUMN operator_fields, DROP COLUMN metadata_search, DROP COLUMN metadata_rev`);
    await q.query(`
      ALTER TABLE meters
        DROP COLUMN name, DROP COLUMN serial, DROP COLUMN model, DROP COLUMN status, DROP COLUMN installed_at,
        DROP COLUMN decommissioned_at, DROP COLUMN metadata_search, DROP COLUMN metadata_rev`);
    await q.query(`
      ALTER TABLE customers DROP CONSTRAINT customers_name_length,
        DROP COLUMN address, DROP COLUMN contact, DROP COLUMN status, DROP COLUMN updated_at`);
  }
}
