import type { SeriesKind } from './readings.model';

/**
 * An operator's deletion of one series' readings in [from, to), stamped like a write
 * (`deletedAtUs`, µs). It removes every row in the range written at or before the stamp and
 * keeps shadowing them afterwards: a replayed, repaired or backfilled copy of such a row
 * (stamped earlier) is never stored again. Rows written after the deletion are not affected.
 */
export interface RangeDeletion {
  kind: SeriesKind;
  id: string;
  from: Date;
  to: Date;
  deletedAtUs: number;
}

/** True when `d` removes a row of this series with this timestamp and write stamp. */
export function deletionCovers(d: RangeDeletion, kind: SeriesKind, id: string, timestampMs: number, writtenAtUs: number): boolean {
  return d.kind === kind && d.id === id && d.from.getTime() <= timestampMs && timestampMs < d.to.getTime() && writtenAtUs <= d.deletedAtUs;
}

/** Splits rows of one series into those no deletion covers and those one does. */
export function partitionByDeletions<T extends { timestamp: Date; writtenAtUs: number }>(
  kind: SeriesKind,
  id: string,
  rows: readonly T[],
  deletions: readonly RangeDeletion[],
): { kept: T[]; deleted: T[] } {
  if (deletions.length === 0) return { kept: [...rows], deleted: [] };
  const kept: T[] = [];
  const deleted: T[] = [];
  for (const r of rows) {
    if (deletions.some((d) => deletionCovers(d, kind, id, r.timestamp.getTime(), r.writtenAtUs))) deleted.push(r);
    else kept.push(r);
  }
  return { kept, deleted };
}

/** One deletion per distinct (kind, id, from, to, stamp). */
export function distinctDeletions(list: readonly RangeDeletion[]): RangeDeletion[] {
  const seen = new Map<string, RangeDeletion>();
  for (const d of list) seen.set(`${d.kind}|${d.id}|${d.from.getTime()}|${d.to.getTime()}|${d.deletedAtUs}`, d);
  return [...seen.values()];
}
