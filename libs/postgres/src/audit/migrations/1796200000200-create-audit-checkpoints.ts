import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit chain (seq, hash, time, Ed25519 signature). Append-only like
 * the log itself: triggers refuse UPDATE, DELETE and TRUNCATE for every role, and the app's
 * role is granted INSERT and SELECT only. Their worth does not rest on this table: they are
 * also published on Kafka, and only the signature (made with a key the database never sees)
 * makes one valid.
 */
export class CreateAuditCheckpoints1796200000200 implements MigrationInterface {
  name = 'CreateAuditCheckpoints1796200000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id         bigserial   PRIMARY KEY,
        seq        bigint      NOT NULL CHECK (seq >= 0),
        hash       text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        signed_at  timestamptz NOT NULL,
        key_id     text        NOT NULL,
        algorithm  text        NOT NULL CHECK (algorithm = 'Ed25519'),
        signature  text        NOT NULL
      )`);
    await q.query('CREATE INDEX audit_checkpoints_seq_idx ON audit_checkpoints (seq)');
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS audit_checkpoints');
  }
}
