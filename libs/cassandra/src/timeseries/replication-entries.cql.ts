import type { BacklogTargetStatus, StoreName } from '@smartgrid/hybrid-storage';
import { Client, types } from 'cassandra-driver';

// What replication_backlog and replication_quarantine (Cassandra) store alike: rows set aside
// for a target store, partitioned by (target, a time slice), ids being time UUIDs.

const Q = { prepare: true } as const;

/**
 * Entries, rows and the oldest entry per target store, counted partition by partition (a
 * count over a whole table would scan every node). `partitionsOf` lists a target's slices
 * oldest first, so the first id of the first non-empty one is the oldest entry.
 */
export async function statusByTarget<P extends number | string>(
  client: Client,
  table: 'replication_backlog' | 'replication_quarantine',
  sliceColumn: 'bucket' | 'day',
  targets: readonly StoreName[],
  partitionsOf: (target: StoreName) => Promise<P[]>,
): Promise<BacklogTargetStatus[]> {
  const out: BacklogTargetStatus[] = [];
  for (const target of targets) {
    const s: BacklogTargetStatus = { target, entries: 0, rows: 0, oldestCreatedAt: null };
    for (const slice of await partitionsOf(target)) {
      const rs = await client.execute(`SELECT COUNT(*) AS n, SUM(row_count) AS r FROM ${table} WHERE target = ? AND ${sliceColumn} = ?`, [target, slice], Q);
      const row = rs.first();
      const n = Number(row?.get('n') ?? 0);
      if (n === 0) continue;
      s.entries += n;
      s.rows += Number(row?.get('r') ?? 0);
      if (!s.oldestCreatedAt) {
        const first = (await client.execute(`SELECT id FROM ${table} WHERE target = ? AND ${sliceColumn} = ? LIMIT 1`, [target, slice], Q)).first();
        if (first) s.oldestCreatedAt = (first.get('id') as types.TimeUuid).getDate();
      }
    }
    if (s.entries > 0) out.push(s);
  }
  return out;
}
