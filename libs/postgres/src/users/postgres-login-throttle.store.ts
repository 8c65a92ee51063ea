import { Injectable } from '@nestjs/common';
import type { LoginThrottleStore, ThrottlePolicy } from '@smartgrid/users';
import { DataSource } from 'typeorm';

/** The login_throttle table (LoginThrottleStore): one counter row per key. Needs `usersMigrations`. */
@Injectable()
export class PostgresLoginThrottleStore implements LoginThrottleStore {
  constructor(private readonly dataSource: DataSource) {}

  /** For each key still locked, the seconds left; keys not locked are absent. */
  async lockedFor(keys: string[]): Promise<Map<string, number>> {
    const rows = (await this.dataSource.query(
      `SELECT key, ceil(extract(epoch FROM locked_until - now()))::int AS secs
         FROM login_throttle WHERE key = ANY($1::text[]) AND locked_until > now()`,
      [keys],
    )) as { key: string; secs: number }[];
    return new Map(rows.map((r) => [r.key, Math.max(1, r.secs)]));
  }

  /**
   * Counts one failure against `key` and locks the key for `lockSeconds` once it reaches
   * `maxFailures`. A new window (count 1) starts when the last window is over or when a lock
   * has run out, so a served lock is a clean slate. Returns the failures in the current
   * window and whether the key is now locked.
   */
  async recordFailure(key: string, p: ThrottlePolicy): Promise<{ failures: number; locked: boolean }> {
    const fresh = `(t.window_started < now() - make_interval(secs => $3::int) OR t.locked_until <= now())`;
    const rows = (await this.dataSource.query(
      `INSERT INTO login_throttle AS t (key, failures, window_started, locked_until)
            VALUES ($1, 1, now(), CASE WHEN 1 >= $2::int THEN now() + make_interval(secs => $4::int) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END,
         window_started = CASE WHEN ${fresh} THEN now() ELSE t.window_started END,
         locked_until = CASE
           WHEN (CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END) >= $2::int THEN now() + make_interval(secs => $4::int)
           WHEN ${fresh} THEN NULL
           ELSE t.locked_until END
       RETURNING failures, (locked_until IS NOT NULL AND locked_until > now()) AS locked`,
      [key, p.maxFailures, p.windowSeconds, p.lockSeconds],
    )) as { failures: number; locked: boolean }[];
    return rows[0];
  }

  /** A successful login clears the user's counter (not the client's: one good password from a
   * scanning client must not reset its budget for guessing other accounts). */
  async clear(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_throttle WHERE key = $1', [key]);
  }
}
