import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry's newest reading per device (`sensor_latest`, `meter_latest`) follows range
 * deletions: when the deleted rows include a device's newest reading, it becomes the newest
 * one left, or goes when none is left. Retention fires no trigger (whole partitions are
 * dropped): a device whose newest reading is past retention has been silent for longer than
 * that, which is what `silent_for` reports. The deleting transaction holds a lock that keeps
 * the table's writers out, so the newest row left is the newest there is.
 */
export class LatestFollowsDeletions1797100000200 implements MigrationInterface {
  name = 'LatestFollowsDeletions1797100000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sensor_latest_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        WITH hit AS (
          SELECT DISTINCT l.sensor_id FROM sensor_latest l JOIN deleted_rows d ON d.sensor_id = l.sensor_id AND d.ts = l.ts
        ), fresh AS (
          SELECT h.sensor_id, x.ts, x.value, x.unit
            FROM hit h
            LEFT JOIN LATERAL (SELECT s.ts, s.value, s.unit FROM sensor_data s WHERE s.sensor_id = h.sensor_id ORDER BY s.ts DESC LIMIT 1) x ON true
        ), gone AS (
          DELETE FROM sensor_latest l USING fresh f WHERE l.sensor_id = f.sensor_id AND f.ts IS NULL
        )
        UPDATE sensor_latest l SET ts = f.ts, value = f.value, unit = f.unit, updated_at = now()
          FROM fresh f
         WHERE l.sensor_id = f.sensor_id AND f.ts IS NOT NULL;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER sensor_data_latest_delete AFTER DELETE ON sensor_data
        REFERENCING OLD TABLE AS deleted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION sensor_latest_after_delete()`);

    await q.query(`
      CREATE FUNCTION meter_latest_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        WITH hit AS (
          SELECT DISTINCT l.meter_id FROM meter_latest l JOIN deleted_rows d ON d.meter_id = l.meter_id AND d.ts = l.ts
        ), fresh AS (
          SELECT h.meter_id, x.ts, x.customer_id, x.energy_kwh, x.power_kw, x.voltage
            FROM hit h
            LEFT JOIN LATERAL (SELECT r.ts, r.customer_id, r.energy_kwh, r.power_kw, r.voltage FROM meter_readings r
                                WHERE r.meter_id = h.meter_id ORDER BY r.ts DESC LIMIT 1) x ON true
        ), gone AS (
          DELETE FROM meter_latest l USING fresh f WHERE l.meter_id = f.meter_id AND f.ts IS NULL
        )
        UPDATE meter_latest l
           SET ts = f.ts, customer_id = f.customer_id, energy_kwh = f.energy_kwh, power_kw = f.power_kw, voltage = f.voltage, updated_at = now()
          FROM fresh f
         WHERE l.meter_id = f.meter_id AND f.ts IS NOT NULL;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER meter_readings_latest_delete AFTER DELETE ON meter_readings
        REFERENCING OLD TABLE AS deleted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION meter_latest_after_delete()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS meter_readings_latest_delete ON meter_readings');
    await q.query('DROP FUNCTION IF EXISTS meter_latest_after_delete()');
    await q.query('DROP TRIGGER IF EXISTS sensor_data_latest_delete ON sensor_data');
    await q.query('DROP FUNCTION IF EXISTS sensor_latest_after_delete()');
  }
}
