import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `sensor_data.unit`: the unit each reading came with, so PostgreSQL holds what Cassandra
 *   holds per reading (the sensor's row keeps its latest description; an operator's edit or a
 *   firmware change must not rewrite history). Existing rows take their sensor's unit.
 * - `replication_quarantine`: rows Cassandra refused (they cannot be replayed as they are),
 *   set aside so the backlog behind them drains. `payload` is text, not jsonb: the holding
 *   area must take any row, even one jsonb would refuse.
 * - The backlog's `leased_until` now also carries an entry's next attempt (per-entry backoff).
 */
export class QuarantineAndReadingUnit1796000000000 implements MigrationInterface {
  name = 'QuarantineAndReadingUnit1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sensor_data ADD COLUMN unit text');
    await q.query('UPDATE sensor_data d SET unit = s.unit FROM sensors s WHERE s.id = d.sensor_id AND s.unit IS NOT NULL');
    await q.query(`
      CREATE TABLE replication_quarantine (
        id              bigserial   PRIMARY KEY,
        target_store    text        NOT NULL CHECK (target_store IN ('postgres', 'cassandra')),
        kind            text        NOT NULL CHECK (kind IN ('sensor', 'meter')),
        payload         text        NOT NULL,
        row_count       integer     NOT NULL CHECK (row_count > 0),
        reason          text        NOT NULL,
        attempts        integer     NOT NULL DEFAULT 0,
        first_failed_at timestamptz NOT NULL,
        quarantined_at  timestamptz NOT NULL DEFAULT now(),
        retries         integer     NOT NULL DEFAULT 0,
        last_error      text
      )`);
    await q.query('CREATE INDEX replication_quarantine_target_idx ON replication_quarantine (target_store, id)');
    await q.query("COMMENT ON COLUMN replication_backlog.leased_until IS 'claimed by a replayer until, or next attempt not before (backoff)'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS replication_quarantine');
    await q.query('ALTER TABLE sensor_data DROP COLUMN IF EXISTS unit');
  }
}
