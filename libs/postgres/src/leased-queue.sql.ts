import type { DataSource } from 'typeorm';

// Work tables drained by several instances at once (replication_backlog, grid_event_deliveries):
// a claim leases rows under FOR UPDATE SKIP LOCKED, so no instance blocks on, or claims again,
// rows another holds; `leased_until` doubles as a failed row's next attempt, since a claim skips
// the row until then.

/** Longest reason or error text kept: a driver's message can carry a whole statement. */
export const MAX_ERROR_TEXT = 2000;

/** The tables worked as leased queues (each has `id`, `leased_until`, `last_error`, `attempts`). */
export type LeasedTable = 'replication_backlog' | 'grid_event_deliveries';

export interface LeaseClaim {
  table: LeasedTable;
  /** Which rows are this queue's: a condition on the table's columns, `$1` being the claim's key. */
  where: string;
  /** The columns of the leased rows the statement goes on with (CTE `leased`). */
  returning: readonly string[];
  /** What the claim answers, read from `leased`. */
  select: string;
}

/** Leases up to `limit` rows of the queue whose lease is free or over, oldest id first, for `leaseMs`. */
export function claimLeased<R>(dataSource: DataSource, claim: LeaseClaim, key: string, limit: number, leaseMs: number): Promise<R[]> {
  return dataSource.query(
    `WITH picked AS (
       SELECT id FROM ${claim.table}
        WHERE ${claim.where} AND (leased_until IS NULL OR leased_until < now())
        ORDER BY id
        LIMIT $2
          FOR UPDATE SKIP LOCKED
     ), leased AS (
       UPDATE ${claim.table} q
          SET leased_until = now() + make_interval(secs => $3::float8 / 1000)
         FROM picked WHERE q.id = picked.id
       RETURNING ${claim.returning.map((c) => `q.${c}`).join(', ')}
     )
     ${claim.select}`,
    [key, limit, leaseMs],
  );
}

/** A failed attempt: the row's lease now ends at `retryAt` (null: claimable at once), with the error and attempt count. */
export async function releaseLeased(
  dataSource: DataSource,
  table: LeasedTable,
  id: string,
  outcome: { error: string; attempts: number; retryAt: Date | null },
): Promise<void> {
  await dataSource.query(`UPDATE ${table} SET leased_until = $2, last_error = $3, attempts = $4 WHERE id = $1`, [
    id,
    outcome.retryAt?.toISOString() ?? null,
    outcome.error.slice(0, MAX_ERROR_TEXT),
    outcome.attempts,
  ]);
}
