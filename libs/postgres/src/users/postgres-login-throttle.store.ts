import { Injectable } from '@nestjs/common';
import { LoginThrottleStore, progressiveDelaySeconds, ProgressivePolicy, ThrottlePolicy, ThrottleState } from '@smartgrid/users';
import { DataSource } from 'typeorm';

/** The login_throttle table (LoginThrottleStore): one counter row per key. Needs `usersMigrations`. */
@Injectable()
export class PostgresLoginThrottleStore implements LoginThrottleStore {
  constructor(private readonly dataSource: DataSource) {}

  async states(keys: string[], windowSeconds: number): Promise<Map<string, ThrottleState>> {
    const rows = (await this.dataSource.query(
      `SELECT key,
              CASE WHEN window_started >= now() - make_interval(secs => $2::int) OR locked_until > now() THEN failures ELSE 0 END AS failures,
              greatest(0, ceil(extract(epoch FROM locked_until - now())))::int AS locked
         FROM login_throttle WHERE key = ANY($1::text[])`,
      [keys, windowSeconds],
    )) as { key: string; failures: number; locked: number | null }[];
    const out = new Map<string, ThrottleState>();
    for (const r of rows) {
      const state = { failures: r.failures, lockedForSeconds: r.locked ?? 0 };
      if (state.failures > 0 || state.lockedForSeconds > 0) out.set(r.key, state);
    }
    return out;
  }

  /** The row is created if missing and locked (FOR UPDATE), so concurrent attempts queue on it. */
  async tryAttempt(key: string, p: ProgressivePolicy): Promise<{ allowed: boolean; attempts: number; retryAfterSeconds: number }> {
    return this.dataSource.transaction(async (m) => {
      await m.query('INSERT INTO login_throttle (key, failures, window_started) VALUES ($1, 0, now()) ON CONFLICT (key) DO NOTHING', [key]);
      const [row] = (await m.query(
        `SELECT failures,
                ceil(extract(epoch FROM locked_until - now()))::int AS wait,
                window_started < now() - make_interval(secs => $2::int) AS expired
           FROM login_throttle WHERE key = $1 FOR UPDATE`,
        [key, p.windowSeconds],
      )) as { failures: number; wait: number | null; expired: boolean }[];
      if (row.wait !== null && row.wait > 0) return { allowed: false, attempts: row.failures, retryAfterSeconds: row.wait };
      const attempts = row.expired ? 1 : row.failures + 1;
      const delay = progressiveDelaySeconds(attempts, p);
      await m.query(
        `UPDATE login_throttle SET failures = $2,
                window_started = CASE WHEN $3::boolean THEN now() ELSE window_started END,
                locked_until = CASE WHEN $4::int > 0 THEN now() + make_interval(secs => $4::int) END
          WHERE key = $1`,
        [key, attempts, row.expired, delay],
      );
      return { allowed: true, attempts, retryAfterSeconds: 0 };
    });
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

  /** A successful login clears its (username, client) counter only: the client's and the
   * username's counters measure attacks, which one good password does not end. */
  async clear(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_throttle WHERE key = $1', [key]);
  }
}
