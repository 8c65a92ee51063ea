import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash-chained audit log. Rows are only ever appended; the database itself refuses
 * UPDATE, DELETE and TRUNCATE (triggers), and an insert trigger checks that each row links to
 * the chain head (seq = head + 1, prev_hash = head hash) and then advances the head. The
 * hash itself is computed by the application (canonical JSON, see docs/user-management.md).
 */
export class CreateAuditLog1767312000000 implements MigrationInterface {
  name = 'CreateAuditLog1767312000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq            bigint      PRIMARY KEY CHECK (seq > 0),
        id             uuid        NOT NULL UNIQUE,
        occurred_at    timestamptz NOT NULL,
        recorded_at    timestamptz NOT NULL,
        actor          text        NOT NULL,
        action         text        NOT NULL,
        resource       text        NOT NULL,
        origin         text        NOT NULL,
        request_id     text,
        client_address text,
        details        jsonb       NOT NULL,
        prev_hash      text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash           text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query('CREATE INDEX audit_log_actor_idx ON audit_log (actor, occurred_at DESC)');
    await q.query('CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at DESC)');
    await q.query('CREATE INDEX audit_log_resource_idx ON audit_log (resource, occurred_at DESC)');
    await q.query('CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC)');

    // One row: the last appended entry. Appenders lock it (SELECT ... FOR UPDATE), which
    // serialises writers so seq stays gapless and every prev_hash is the true predecessor.
    await q.query(`
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_seq  bigint  NOT NULL,
        last_hash text    NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (singleton, last_seq, last_hash) VALUES (true, 0, repeat('0', 64))`);

    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);

    await q.query(`
      CREATE FUNCTION audit_log_link() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head audit_chain_head%ROWTYPE;
      BEGIN
        SELECT * INTO head FROM audit_chain_head WHERE singleton FOR UPDATE;
        IF NEW.seq <> head.last_seq + 1 OR NEW.prev_hash <> head.last_hash THEN
          RAISE EXCEPTION 'audit_log entry % does not extend the chain head (seq %)', NEW.seq, head.last_seq
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        UPDATE audit_chain_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE singleton;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_link()`);

    // The head only moves forward one entry at a time (the insert trigger does that) and is
    // never removed.
    await q.query(`
      CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.last_seq = OLD.last_seq + 1 AND NEW.singleton THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_chain_head: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON audit_chain_head
        FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard()`);
    await q.query(`
      CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard()`);

    await q.query('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_chain_head FROM PUBLIC');

    // Entries still to be copied to MongoDB. Filled in the same transaction as the entry, so
    // an entry can never be committed without its backlog row; drained by the mirror.
    await q.query(`
      CREATE TABLE audit_mongo_backlog (
        seq         bigint      PRIMARY KEY,
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        attempts    integer     NOT NULL DEFAULT 0,
        last_error  text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS audit_mongo_backlog');
    await q.query('DROP TABLE IF EXISTS audit_log');
    await q.query('DROP TABLE IF EXISTS audit_chain_head');
    await q.query('DROP FUNCTION IF EXISTS audit_log_refuse_change(), audit_log_link(), audit_chain_head_guard()');
  }
}
