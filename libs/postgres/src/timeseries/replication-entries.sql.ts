import { encodeBacklogRows } from '@smartgrid/hybrid-storage';
import type { BacklogTargetStatus, NewBacklogEntry, StoreName } from '@smartgrid/hybrid-storage';
import type { DataSource } from 'typeorm';
import { MAX_ERROR_TEXT } from '../leased-queue.sql';

// What replication_backlog and replication_quarantine store alike: rows set aside for a target store.

/** The columns an entry of either table starts with, as unnest arrays: target_store, kind, payload, row_count, reason. */
export function entryColumns(entries: readonly NewBacklogEntry[]): unknown[][] {
  return [
    entries.map((e) => e.target),
    entries.map((e) => e.kind),
    entries.map((e) => encodeBacklogRows(e)),
    entries.map((e) => e.rows.length),
    entries.map((e) => e.reason.slice(0, MAX_ERROR_TEXT)),
  ];
}

/** Entries, rows and the oldest entry (by `oldestColumn`) per target store. */
export async function statusByTarget(
  dataSource: DataSource,
  table: 'replication_backlog' | 'replication_quarantine',
  oldestColumn: 'created_at' | 'quarantined_at',
): Promise<BacklogTargetStatus[]> {
  const rows: { target_store: StoreName; entries: string; rows: string; oldest: Date | null }[] = await dataSource.query(
    `SELECT target_store, count(*) AS entries, coalesce(sum(row_count), 0) AS rows, min(${oldestColumn}) AS oldest
       FROM ${table} GROUP BY target_store`,
  );
  return rows.map((r) => ({ target: r.target_store, entries: Number(r.entries), rows: Number(r.rows), oldestCreatedAt: r.oldest }));
}
