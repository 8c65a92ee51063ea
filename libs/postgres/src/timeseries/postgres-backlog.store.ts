import { Injectable } from '@nestjs/common';
import { decodeBacklogRows, encodeBacklogRows } from '@smartgrid/hybrid-storage';
import type { BacklogEntry, BacklogKind, BacklogStore, BacklogTargetStatus, NewBacklogEntry, ReleaseOutcome, StoreName } from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { claimLeased, LeaseClaim, releaseLeased } from '../leased-queue.sql';
import { entryColumns, statusByTarget } from './replication-entries.sql';

interface EntryRow {
  id: string;
  target_store: StoreName;
  kind: BacklogKind;
  payload: unknown[];
  reason: string | null;
  created_at: Date;
  attempts: number;
}

/** Entries waiting for one target store ($1), as they were appended. */
const CLAIM: LeaseClaim = {
  table: 'replication_backlog',
  where: 'target_store = $1',
  returning: ['id', 'target_store', 'kind', 'payload', 'reason', 'created_at', 'attempts'],
  select: 'SELECT * FROM leased ORDER BY id',
};

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
    const rows = await claimLeased<EntryRow>(this.dataSource, CLAIM, target, limit, leaseMs);
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
    await releaseLeased(this.dataSource, 'replication_backlog', entry.id, outcome);
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.connection.assertReady();
    return statusByTarget(this.dataSource, 'replication_backlog', 'created_at');
  }
}
