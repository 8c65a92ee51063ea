import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege for the audit chain: the app's role may insert and read audit entries but
 * must not be able to move the chain head. The insert trigger that advances the head, and a
 * new function that locks the head for an append, run as their owner (SECURITY DEFINER, with a
 * fixed search_path: public, then pg_temp last, so a caller's temporary table can never stand
 * in for the head); the app role is granted EXECUTE on the latter and SELECT on the head
 * table, never UPDATE (see auditGrants).
 */
export class AuditHeadAsOwner1796200000000 implements MigrationInterface {
  name = 'AuditHeadAsOwner1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER FUNCTION audit_log_link() SECURITY DEFINER SET search_path = public, pg_temp');
    await q.query(`
      CREATE FUNCTION audit_chain_head_for_append() RETURNS TABLE (last_seq bigint, last_hash text)
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT h.last_seq, h.last_hash FROM audit_chain_head h WHERE h.singleton FOR UPDATE
      $$`);
    await q.query('REVOKE ALL ON FUNCTION audit_chain_head_for_append() FROM PUBLIC');
    await q.query('REVOKE ALL ON FUNCTION audit_log_link(), audit_log_refuse_change(), audit_chain_head_guard() FROM PUBLIC');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS audit_chain_head_for_append()');
    await q.query('ALTER FUNCTION audit_log_link() SECURITY INVOKER RESET search_path');
  }
}
