import { Injectable } from '@nestjs/common';
import { decodeBacklogRows, encodeBacklogRows } from '@smartgrid/hybrid-storage';
import type { BacklogEntry, BacklogKind, BacklogStore, BacklogTargetStatus, NewBacklogEntry, ReleaseOutcome, StoreName } from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { entryColumns, MAX_ERROR_TEXT, statusByTarget } from './replication-entries.sql';

interface EntryRow {
  id: string;
  target_store: StoreName;
  kind: BacklogKind;
  payload: unknown[];
  reason: string | null;
  created_at: Date;
  attempts: number;
}

/**
 * The replication backlog held in PostgreSQL (`replication_backlog`): where writes that
 * Cassandra missed wait. Claims lease entries under FOR UPDATE SKIP LOCKED, so replayers in
 * several instances never block on, or double-claim, one another's entries.
 */
@Injectable()
export class PostgresBacklogStore implements BacklogStore {
  readonly location = 'postgres' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async append(entries: readonly NewBacklogEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    this.connection.assertReady();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO replication_backlog (target_store, kind, payload, row_count, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[], $5::text[])
       RETURNING id`,
      entryColumns(entries),
    );
    return rows.map((r) => String(r.id));
  }

  async claim(target: StoreName, limit: number, leaseMs: number): Promise<BacklogEntry[]> {
    this.connection.assertReady();
    const rows: EntryRow[] = await this.dataSource.query(
      `WITH picked AS (
         SELECT id FROM replication_backlog
          WHERE target_store = $1 AND (leased_until IS NULL OR leased_until < now())
          ORDER BY id
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE replication_backlog b
            SET leased_until = now() + make_interval(secs => $3::float8 / 1000)
           FROM picked WHERE b.id = picked.id
         RETURNING b.id, b.target_store, b.kind, b.payload, b.reason, b.created_at, b.attempts
       )
       SELECT * FROM leased ORDER BY id`,
      [target, limit, leaseMs],
    );
    return rows.map((r) => ({
      ...decodeBacklogRows(r.kind, r.payload),
      id: String(r.id),
      target: r.target_store,
      reason: r.reason ?? '',
      createdAt: r.created_at,
      attempts: r.attempts,
    }));
  }

  async complete(entries: readonly BacklogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.dataSource.query('DELETE FROM replication_backlog WHERE id = ANY($1::bigint[])', [entries.map((e) => e.id)]);
  }

  /** `leased_until` doubles as the entry's next attempt: a claim skips it until then. */
  async release(entry: BacklogEntry, outcome: ReleaseOutcome): Promise<void> {
    await this.dataSource.query('UPDATE replication_backlog SET leased_until = $2, last_error = $3, attempts = $4 WHERE id = $1', [
      entry.id,
      outcome.retryAt?.toISOString() ?? null,
      outcome.error.slice(0, MAX_ERROR_TEXT),
      outcome.attempts,
    ]);
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.connection.assertReady();
    return statusByTarget(this.dataSource, 'replication_backlog', 'created_at');
  }
}
