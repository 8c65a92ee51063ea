import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts (usernames unique regardless of case) and the failed-login throttle counters. */
export class CreateUsers1767312000100 implements MigrationInterface {
  name = 'CreateUsers1767312000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid        PRIMARY KEY,
        username      text        NOT NULL CHECK (char_length(username) BETWEEN 1 AND 64),
        password_hash text        NOT NULL,
        role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        disabled      boolean     NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX users_username_ci_key ON users (lower(username))');

    // One row per throttled key ('user:<name>' or 'client:<address>'): failures in the
    // current window and, once over the limit, until when logins are refused.
    await q.query(`
      CREATE TABLE login_throttle (
        key             text        PRIMARY KEY,
        failures        integer     NOT NULL,
        window_started  timestamptz NOT NULL,
        locked_until    timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS login_throttle');
    await q.query('DROP TABLE IF EXISTS users');
  }
}
