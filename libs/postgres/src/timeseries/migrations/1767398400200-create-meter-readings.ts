import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meter register readings (15-minute cadence, far fewer rows than sensor data, so one table).
 * Each reading carries the customer it was billed to at the time; `written_at_us` as in
 * sensor_data.
 */
export class CreateMeterReadings1767398400200 implements MigrationInterface {
  name = 'CreateMeterReadings1767398400200';

  async up(q: QueryRunner): Promise<void> {
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
      )`);
    // Consumption per customer over a time range.
    await q.query('CREATE INDEX meter_readings_customer_ts_idx ON meter_readings (customer_id, ts)');
    await q.query('CREATE INDEX meter_readings_ts_brin ON meter_readings USING brin (ts)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS meter_readings');
  }
}
