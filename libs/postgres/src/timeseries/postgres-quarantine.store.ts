import { Injectable } from '@nestjs/common';
import { decodeBacklogRows } from '@smartgrid/hybrid-storage';
import type { BacklogTargetStatus, NewQuarantineEntry, QuarantineEntry, QuarantineStore, StoreName } from '@smartgrid/hybrid-storage';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { MAX_ERROR_TEXT } from '../leased-queue.sql';
import { entryColumns, statusByTarget } from './replication-entries.sql';

interface QuarantineRow {
  id: string;
  target_store: StoreName;
  kind: 'sensor' | 'meter';
  payload: string;
  reason: string;
  attempts: number;
  first_failed_at: Date;
  quarantined_at: Date;
  retries: number;
  last_error: string | null;
}

const COLUMNS = 'id, target_store, kind, payload, reason, attempts, first_failed_at, quarantined_at, retries, last_error';

/** Rows Cassandra refused, held in PostgreSQL (`replication_quarantine`) until an operator acts. */
@Injectable()
export class PostgresQuarantineStore implements QuarantineStore {
  readonly location = 'postgres' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async add(entries: readonly NewQuarantineEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    this.connection.assertReady();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO replication_quarantine (target_store, kind, payload, row_count, reason, attempts, first_failed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[])
       RETURNING id`,
      [...entryColumns(entries), entries.map((e) => e.attempts), entries.map((e) => e.firstFailedAt.toISOString())],
    );
    return rows.map((r) => String(r.id));
  }

  async list(q: { target?: StoreName; limit: number; after?: string }): Promise<QuarantineEntry[]> {
    this.connection.assertReady();
    const rows: QuarantineRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM replication_quarantine
        WHERE ($1::text IS NULL OR target_store = $1) AND id > $2
        ORDER BY id LIMIT $3`,
      [q.target ?? null, q.after !== undefined && /^\d+$/.test(q.after) ? q.after : '0', q.limit],
    );
    return rows.map(toEntry);
  }

  async get(id: string): Promise<QuarantineEntry | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows: QuarantineRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM replication_quarantine WHERE id = $1`, [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async recordRetry(id: string, error: string): Promise<void> {
    await this.dataSource.query('UPDATE replication_quarantine SET retries = retries + 1, last_error = $2 WHERE id = $1', [id, error.slice(0, MAX_ERROR_TEXT)]);
  }

  async remove(id: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(id)) return false;
    const rows: unknown[] = await this.dataSource.query('DELETE FROM replication_quarantine WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.connection.assertReady();
    return statusByTarget(this.dataSource, 'replication_quarantine', 'quarantined_at');
  }
}

function toEntry(r: QuarantineRow): QuarantineEntry {
  return {
    ...decodeBacklogRows(r.kind, r.payload),
    id: String(r.id),
    target: r.target_store,
    reason: r.reason,
    attempts: r.attempts,
    firstFailedAt: r.first_failed_at,
    quarantinedAt: r.quarantined_at,
    retries: r.retries,
    lastError: r.last_error,
  };
}
