import type { StoreName } from './readings.model';

/**
 * Rows held for the stores (the replication backlog: rows a store missed; the quarantine: rows
 * a store refused), totalled over every holder that answered.
 */
export interface HeldRowsStatus<TargetSummary> {
  /** Entries and rows held, over every reachable holder. */
  entries: number;
  rows: number;
  /** Age of the oldest held entry; null when there is none. */
  oldestAgeMs: number | null;
  /** Per store the rows are held for. */
  targets: Record<StoreName, TargetSummary>;
  /** Holders that could not be read (the store holding them is down): what they hold is unknown. */
  unreachable: { location: StoreName; error: string }[];
}

/** The totals of a HeldRowsStatus over its per-store summaries. */
export function heldTotals<S extends { entries: number; rows: number }>(
  targets: Record<StoreName, S>,
  ageOf: (summary: S) => number | null,
): Pick<HeldRowsStatus<S>, 'entries' | 'rows' | 'oldestAgeMs'> {
  const all = Object.values(targets) as S[];
  const ages = all.map(ageOf).filter((a): a is number => a !== null);
  return {
    entries: all.reduce((n, t) => n + t.entries, 0),
    rows: all.reduce((n, t) => n + t.rows, 0),
    oldestAgeMs: ages.length ? Math.max(...ages) : null,
  };
}
