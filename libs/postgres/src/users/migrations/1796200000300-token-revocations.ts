import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocable tokens: each user has a token version (raised when its tokens must stop working;
 * every token carries the version it was issued at), and revocations wait in an outbox, written
 * in the transaction of the change that causes them, until they are published on Kafka.
 */
export class TokenRevocations1796200000300 implements MigrationInterface {
  name = 'TokenRevocations1796200000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0)');
    await q.query(`
      CREATE TABLE token_revocation_outbox (
        id         bigserial   PRIMARY KEY,
        revocation jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS token_revocation_outbox');
    await q.query('ALTER TABLE users DROP COLUMN IF EXISTS token_version');
  }
}
