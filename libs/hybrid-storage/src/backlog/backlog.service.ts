import { Inject, Injectable } from '@nestjs/common';
import type { StoreName } from '../domain/readings.model';
import { STORE_NAMES } from '../domain/readings.model';
import { HeldRowsStatus, heldTotals } from '../domain/held-rows.model';
import { messageOf, withTimeout } from '../storage.errors';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import { BACKLOG_STORES, BacklogStore, BacklogTargetStatus, NewBacklogEntry } from '../ports/backlog-store.port';

export interface BacklogTargetSummary {
  entries: number;
  rows: number;
  oldestCreatedAt: Date | null;
  oldestAgeMs: number | null;
}

/** Replication backlog as a whole (per store that missed writes): what health probes and metrics report. */
export interface BacklogStatus extends HeldRowsStatus<BacklogTargetSummary> {
  checkedAt: Date;
}

export interface AppendedBacklog {
  target: StoreName;
  heldIn: StoreName;
  entries: number;
  rows: number;
}

/**
 * Routes backlog entries to a backlog held by a store other than the one that missed the
 * rows (PostgreSQL keeps Cassandra's backlog and vice versa), and aggregates their status.
 * It also remembers which stores have work pending, so reads can avoid a store that is
 * known to be behind.
 */
@Injectable()
export class BacklogService {
  /** true: entries known to be waiting; false: known empty; absent: not known yet. */
  private readonly pending = new Map<StoreName, boolean>();
  /** Bumped on every append, so a drain that raced an append does not clear the flag. */
  private readonly appends = new Map<StoreName, number>();

  constructor(
    @Inject(BACKLOG_STORES) private readonly backlogs: BacklogStore[],
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
  ) {}

  /** Backlogs that may hold entries for `target`. */
  holdersFor(target: StoreName): BacklogStore[] {
    return this.backlogs.filter((b) => b.location !== target);
  }

  /**
   * Durably records that `target` missed these entries. Backlogs living in `preferIn` (the
   * stores that just took the write, so are known to be up) are tried first. Throws when no
   * backlog could take them.
   */
  async append(target: StoreName, entries: NewBacklogEntry[], preferIn: readonly StoreName[]): Promise<AppendedBacklog> {
    const holders = this.holdersFor(target).sort(
      (a, b) => Number(preferIn.includes(b.location)) - Number(preferIn.includes(a.location)),
    );
    if (holders.length === 0) throw new Error(`no backlog is configured that can hold entries for ${target}`);
    const errors: string[] = [];
    for (const holder of holders) {
      try {
        await withTimeout(holder.append(entries), this.settings.storeTimeoutMs, `${holder.location} backlog append`);
        this.pending.set(target, true);
        this.appends.set(target, this.appendCount(target) + 1);
        const rows = entries.reduce((n, e) => n + e.rows.length, 0);
        return { target, heldIn: holder.location, entries: entries.length, rows };
      } catch (err) {
        errors.push(`${holder.location} backlog: ${messageOf(err)}`);
      }
    }
    throw new Error(`could not record the backlog for ${target}: ${errors.join('; ')}`);
  }

  /** Whether `target` is known to have replication work waiting (undefined: not known). */
  hasPending(target: StoreName): boolean | undefined {
    return this.pending.get(target);
  }

  appendCount(target: StoreName): number {
    return this.appends.get(target) ?? 0;
  }

  /** Records that a drain emptied `target`'s backlog, unless an append happened since `appendCountAtStart`. */
  markDrained(target: StoreName, appendCountAtStart: number): boolean {
    if (this.appendCount(target) !== appendCountAtStart) return false;
    this.pending.set(target, false);
    return true;
  }

  async getStatus(now: Date = new Date()): Promise<BacklogStatus> {
    const targets = Object.fromEntries(
      STORE_NAMES.map((s) => [s, { entries: 0, rows: 0, oldestCreatedAt: null, oldestAgeMs: null }]),
    ) as Record<StoreName, BacklogTargetSummary>;
    const unreachable: BacklogStatus['unreachable'] = [];
    const results = await Promise.allSettled(
      this.backlogs.map((b) => withTimeout(b.status(), this.settings.storeTimeoutMs, `${b.location} backlog status`)),
    );
    const appendsAtStart = new Map(STORE_NAMES.map((s) => [s, this.appendCount(s)] as const));
    const reachableFor = new Set<StoreName>();
    results.forEach((res, i) => {
      const holder = this.backlogs[i]!;
      if (res.status === 'rejected') {
        unreachable.push({ location: holder.location, error: messageOf(res.reason) });
        return;
      }
      for (const s of STORE_NAMES) if (s !== holder.location) reachableFor.add(s);
      for (const t of res.value) merge(targets[t.target], t, now);
    });
    // Only a complete view may clear the pending flag; an unreachable backlog may hold more.
    for (const s of STORE_NAMES) {
      const complete = this.holdersFor(s).every((h) => !unreachable.some((u) => u.location === h.location));
      if (targets[s].entries > 0) this.pending.set(s, true);
      else if (complete && reachableFor.has(s)) this.markDrained(s, appendsAtStart.get(s)!);
    }
    return {
      ...heldTotals(targets, (t) => t.oldestAgeMs),
      targets,
      unreachable,
      checkedAt: now,
    };
  }
}

function merge(into: BacklogTargetSummary, t: BacklogTargetStatus, now: Date): void {
  into.entries += t.entries;
  into.rows += t.rows;
  if (t.oldestCreatedAt && (!into.oldestCreatedAt || t.oldestCreatedAt < into.oldestCreatedAt)) {
    into.oldestCreatedAt = t.oldestCreatedAt;
    into.oldestAgeMs = Math.max(0, now.getTime() - t.oldestCreatedAt.getTime());
  }
}
