import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows Cassandra missed while it was unreachable, waiting for the replayer. Each entry holds
 * up to a few hundred rows (JSON, see encodeBacklogRows). Claimers lease entries with
 * `leased_until` under FOR UPDATE SKIP LOCKED, so several instances can drain in parallel.
 */
export class CreateReplicationBacklog1767398400300 implements MigrationInterface {
  name = 'CreateReplicationBacklog1767398400300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replication_backlog (
        id           bigserial   PRIMARY KEY,
        target_store text        NOT NULL CHECK (target_store IN ('postgres', 'cassandra')),
        kind         text        NOT NULL CHECK (kind IN ('sensor', 'meter')),
        payload      jsonb       NOT NULL,
        row_count    integer     NOT NULL CHECK (row_count > 0),
        reason       text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        attempts     integer     NOT NULL DEFAULT 0,
        last_error   text,
        leased_until timestamptz
      )`);
    await q.query('CREATE INDEX replication_backlog_target_idx ON replication_backlog (target_store, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS replication_backlog');
  }
}
