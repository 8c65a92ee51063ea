import { Inject, Injectable, Optional } from '@nestjs/common';
import { distinctDeletions, partitionByDeletions, RangeDeletion } from '../domain/deletions.model';
import { MeterReading, SensorReading, SeriesKind, Stamped, StoreName, utcDaysBetween, DAY_MS } from '../domain/readings.model';
import { KEEP_FOREVER, RetentionPolicy, syncFloor } from '../domain/retention.model';
import { seriesOps } from '../domain/series.model';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import { ReadingValidationError } from '../validation/reading.validation';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { rowsChecksum } from './rows.checksum';

type AnyReading = SensorReading | MeterReading;

export interface SyncProgress {
  phase: 'list' | 'backfill' | 'reconcile';
  kind: SeriesKind;
  /** Units (id × UTC day) finished / total for this kind. */
  done: number;
  total: number;
  id?: string;
  day?: string;
  rows?: number;
}

export interface BackfillOptions {
  from: Date;
  to: Date;
  source: StoreName;
  target: StoreName;
  kinds?: SeriesKind[];
  /** Restrict to these ids (default: every id with data in the source). */
  ids?: string[];
  /** Rows per upsert into the target. */
  chunkRows?: number;
  onProgress?: (p: SyncProgress) => void;
}

export interface BackfillReport {
  from: Date;
  to: Date;
  source: StoreName;
  target: StoreName;
  /** `from` per kind after clipping to retention (rows past it are never copied). */
  kinds: { kind: SeriesKind; from: Date; ids: number; units: number; rows: number; skippedDeleted: number }[];
  durationMs: number;
}

export interface StoreDaySummary {
  count: number;
  checksum: string;
}

/** One series on one UTC day, as each store holds it. */
export interface ReconcileUnit {
  kind: SeriesKind;
  id: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  postgres: StoreDaySummary;
  cassandra: StoreDaySummary;
  /** Rows present in the other store only. */
  missingIn: Record<StoreName, number>;
  /** Keys in both stores with different content. */
  mismatched: number;
  /**
   * Rows a store still holds although a range deletion known to either store covers them (the
   * deletion has not reached that store yet). They are not compared; repair applies the
   * deletion there instead of copying the rows anywhere.
   */
  deletedPending: Record<StoreName, number>;
  inSync: boolean;
  /** Up to five timestamps of each difference, ISO-8601. */
  samples?: { missingInPostgres: string[]; missingInCassandra: string[]; mismatched: string[] };
  /** Rows written into each store by the repair, deletions applied, and whether the unit matched afterwards. */
  repaired?: Record<StoreName, number> & { deletionsApplied: number; verified: boolean };
}

export interface ReconcileOptions {
  from: Date;
  to: Date;
  kinds?: SeriesKind[];
  ids?: string[];
  /** Copy missing rows to the store that lacks them; on content differences the newer write wins. */
  repair?: boolean;
  /** Units examined at the same time. */
  concurrency?: number;
  onProgress?: (p: SyncProgress) => void;
}

export interface ReconcileReport {
  from: Date;
  to: Date;
  /** Where each kind's comparison started: `from`, or the retention floor when later. */
  kindsFrom: Partial<Record<SeriesKind, Date>>;
  repair: boolean;
  units: ReconcileUnit[];
  totals: {
    units: number;
    outOfSync: number;
    rows: Record<StoreName, number>;
    missingIn: Record<StoreName, number>;
    mismatched: number;
    deletedPending: Record<StoreName, number>;
    repaired: Record<StoreName, number>;
  };
  durationMs: number;
}

const SAMPLE = 5;

/**
 * Store-to-store synchronisation tools: backfill copies a time range from one store into the
 * other; reconcile compares both stores series by series and UTC day by UTC day (count and an
 * order-independent checksum each), and with `repair` brings them back in line. Rows keep their
 * write stamps, so a repair never overwrites a newer write.
 */
@Injectable()
export class StorageSyncService {
  private readonly byName = new Map<StoreName, TimeSeriesStore>();
  private readonly retention: RetentionPolicy;

  constructor(
    @Inject(TIME_SERIES_STORES) stores: TimeSeriesStore[],
    @Optional() @Inject(HYBRID_STORAGE_SETTINGS) settings?: HybridStorageSettings,
  ) {
    for (const s of stores) this.byName.set(s.name, s);
    this.retention = settings?.retention ?? KEEP_FOREVER;
  }

  /**
   * `from`, or the first day retention leaves untouched when that is later: rows near or past
   * the horizon are expiring in Cassandra while PostgreSQL's partition still holds them, and
   * copying or comparing them would resurrect or report what retention takes away.
   */
  private clipped(kind: SeriesKind, from: Date): Date {
    const floor = syncFloor(this.retention, kind);
    return floor && floor > from ? floor : from;
  }

  /** Every deletion either store knows for one series over [from, to). */
  private async deletionsOf(kind: SeriesKind, id: string, from: Date, to: Date): Promise<RangeDeletion[]> {
    const lists = await Promise.all([...this.byName.values()].map((s) => s.listDeletions(kind, id, from, to)));
    return distinctDeletions(lists.flat());
  }

  async backfill(o: BackfillOptions): Promise<BackfillReport> {
    const started = Date.now();
    checkRange(o.from, o.to);
    if (o.source === o.target) throw new ReadingValidationError('target', 'unknown_value', 'must differ from source');
    const source = this.require(o.source, 'source');
    const target = this.require(o.target, 'target');
    const chunk = o.chunkRows ?? 2000;
    const report: BackfillReport = { from: o.from, to: o.to, source: o.source, target: o.target, kinds: [], durationMs: 0 };
    for (const kind of o.kinds ?? (['sensor', 'meter'] as SeriesKind[])) {
      const ops = seriesOps(kind);
      const from = this.clipped(kind, o.from);
      const k = { kind, from, ids: 0, units: 0, rows: 0, skippedDeleted: 0 };
      report.kinds.push(k);
      if (from >= o.to) continue;
      o.onProgress?.({ phase: 'list', kind, done: 0, total: 0 });
      const ids = o.ids ?? (await ops.listIds(source, from, o.to)).sort();
      const units = unitsOf(ids, from, o.to);
      k.ids = ids.length;
      k.units = units.length;
      let done = 0;
      const deletions = new Map<string, Promise<RangeDeletion[]>>();
      for (const u of units) {
        if (!deletions.has(u.id)) deletions.set(u.id, this.deletionsOf(kind, u.id, from, o.to));
        const all = await ops.query(source, { id: u.id, from: u.from, to: u.to });
        // A row a deletion covers is not copied: the source has not applied that deletion yet.
        const { kept: rows, deleted } = partitionByDeletions(kind, u.id, all, await deletions.get(u.id)!);
        k.skippedDeleted += deleted.length;
        for (let i = 0; i < rows.length; i += chunk) await ops.upsert(target, rows.slice(i, i + chunk));
        k.rows += rows.length;
        o.onProgress?.({ phase: 'backfill', kind, done: ++done, total: units.length, id: u.id, day: u.day, rows: rows.length });
      }
    }
    report.durationMs = Date.now() - started;
    return report;
  }

  async reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
    const started = Date.now();
    checkRange(o.from, o.to);
    const pg = this.require('postgres', 'source');
    const cs = this.require('cassandra', 'source');
    const report: ReconcileReport = {
      from: o.from,
      to: o.to,
      kindsFrom: {},
      repair: o.repair === true,
      units: [],
      totals: {
        units: 0,
        outOfSync: 0,
        rows: { postgres: 0, cassandra: 0 },
        missingIn: { postgres: 0, cassandra: 0 },
        mismatched: 0,
        deletedPending: { postgres: 0, cassandra: 0 },
        repaired: { postgres: 0, cassandra: 0 },
      },
      durationMs: 0,
    };
    for (const kind of o.kinds ?? (['sensor', 'meter'] as SeriesKind[])) {
      const ops = seriesOps(kind);
      const from = this.clipped(kind, o.from);
      report.kindsFrom[kind] = from;
      if (from >= o.to) continue;
      o.onProgress?.({ phase: 'list', kind, done: 0, total: 0 });
      const ids =
        o.ids ?? [...new Set([...(await ops.listIds(pg, from, o.to)), ...(await ops.listIds(cs, from, o.to))])].sort();
      const units = unitsOf(ids, from, o.to);
      const deletions = new Map<string, Promise<RangeDeletion[]>>();
      const deletionsOf = (id: string): Promise<RangeDeletion[]> => {
        let p = deletions.get(id);
        if (!p) deletions.set(id, (p = this.deletionsOf(kind, id, from, o.to)));
        return p;
      };
      const results: ReconcileUnit[] = new Array(units.length);
      let next = 0;
      let done = 0;
      const worker = async (): Promise<void> => {
        while (next < units.length) {
          const i = next++;
          const u = units[i]!;
          results[i] = await this.reconcileUnit(kind, u, pg, cs, o.repair === true, await deletionsOf(u.id));
          o.onProgress?.({ phase: 'reconcile', kind, done: ++done, total: units.length, id: u.id, day: u.day });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
      for (const r of results) {
        // A day on which neither store has the series is not worth reporting.
        if (r.postgres.count === 0 && r.cassandra.count === 0 && r.deletedPending.postgres === 0 && r.deletedPending.cassandra === 0) continue;
        report.units.push(r);
        const t = report.totals;
        t.units++;
        if (!r.inSync) t.outOfSync++;
        t.rows.postgres += r.postgres.count;
        t.rows.cassandra += r.cassandra.count;
        t.missingIn.postgres += r.missingIn.postgres;
        t.missingIn.cassandra += r.missingIn.cassandra;
        t.mismatched += r.mismatched;
        t.deletedPending.postgres += r.deletedPending.postgres;
        t.deletedPending.cassandra += r.deletedPending.cassandra;
        if (r.repaired) {
          t.repaired.postgres += r.repaired.postgres;
          t.repaired.cassandra += r.repaired.cassandra;
        }
      }
    }
    report.durationMs = Date.now() - started;
    return report;
  }

  private async reconcileUnit(
    kind: SeriesKind,
    u: Unit,
    pg: TimeSeriesStore,
    cs: TimeSeriesStore,
    repair: boolean,
    deletions: readonly RangeDeletion[],
  ): Promise<ReconcileUnit> {
    const ops = seriesOps(kind);
    const q = { id: u.id, from: u.from, to: u.to };
    const read = async (): Promise<{ pg: ReturnType<typeof partitionByDeletions<Stamped<AnyReading>>>; cs: ReturnType<typeof partitionByDeletions<Stamped<AnyReading>>> }> => {
      const [p, c] = await Promise.all([ops.query(pg, q), ops.query(cs, q)]);
      return { pg: partitionByDeletions(kind, u.id, p, deletions), cs: partitionByDeletions(kind, u.id, c, deletions) };
    };
    const before = await read();
    const pgRows = before.pg.kept;
    const csRows = before.cs.kept;
    const diff = compare(ops.canonical, pgRows, csRows);
    const unit: ReconcileUnit = {
      kind,
      id: u.id,
      day: u.day,
      postgres: summary(ops.canonical, pgRows),
      cassandra: summary(ops.canonical, csRows),
      missingIn: { postgres: diff.toPostgres.missing.length, cassandra: diff.toCassandra.missing.length },
      mismatched: diff.mismatched.length,
      deletedPending: { postgres: before.pg.deleted.length, cassandra: before.cs.deleted.length },
      inSync: agree(diff, before),
    };
    if (unit.inSync) return unit;
    unit.samples = {
      missingInPostgres: diff.toPostgres.missing.slice(0, SAMPLE).map(iso),
      missingInCassandra: diff.toCassandra.missing.slice(0, SAMPLE).map(iso),
      mismatched: diff.mismatched.slice(0, SAMPLE).map(iso),
    };
    if (!repair) return unit;
    const toPg = [...diff.toPostgres.missing, ...diff.toPostgres.newer];
    // A row missing from Cassandra may have been deleted there: its tombstone is newer than the
    // row's original stamp and would hide a copy carrying it, so the copy is stamped now.
    const nowUs = Date.now() * 1000;
    const toCs = [...diff.toCassandra.missing.map((r) => ({ ...r, writtenAtUs: Math.max(r.writtenAtUs, nowUs) })), ...diff.toCassandra.newer];
    if (toPg.length) await ops.upsert(pg, toPg);
    if (toCs.length) await ops.upsert(cs, toCs);
    // A store still holding deleted rows gets the deletions that cover them (idempotent).
    let deletionsApplied = 0;
    for (const [store, held] of [[pg, before.pg.deleted], [cs, before.cs.deleted]] as const) {
      const covering = deletions.filter((d) => held.some((r) => d.from <= r.timestamp && r.timestamp < d.to && r.writtenAtUs <= d.deletedAtUs));
      for (const d of covering) await store.deleteRange(d);
      deletionsApplied += covering.length;
    }
    const after = await read();
    const afterDiff = compare(ops.canonical, after.pg.kept, after.cs.kept);
    unit.repaired = {
      postgres: toPg.length,
      cassandra: toCs.length,
      deletionsApplied,
      verified: agree(afterDiff, after),
    };
    return unit;
  }

  private require(name: StoreName, field: string): TimeSeriesStore {
    const s = this.byName.get(name);
    if (!s) throw new ReadingValidationError(field, 'unknown_value', `store ${name} is not configured here`);
    return s;
  }
}

interface Unit {
  id: string;
  day: string;
  from: Date;
  to: Date;
}

function unitsOf(ids: readonly string[], from: Date, to: Date): Unit[] {
  const units: Unit[] = [];
  const days = utcDaysBetween(from, to);
  for (const id of ids) {
    for (const d of days) {
      const start = new Date(Math.max(d.getTime(), from.getTime()));
      const end = new Date(Math.min(d.getTime() + DAY_MS, to.getTime()));
      units.push({ id, day: d.toISOString().slice(0, 10), from: start, to: end });
    }
  }
  return units;
}

function checkRange(from: Date, to: Date): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new ReadingValidationError('from', 'bad_format', 'must be a valid date');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new ReadingValidationError('to', 'bad_format', 'must be a valid date');
  if (from >= to) throw new ReadingValidationError('from', 'out_of_range', 'must be before `to`');
}

function summary(canonical: (r: AnyReading) => string, rows: readonly AnyReading[]): StoreDaySummary {
  return { count: rows.length, checksum: rowsChecksum(rows.map(canonical)) };
}

interface Diff<R> {
  /** Rows to write into each store: missing there, or newer in the other store. */
  toPostgres: { missing: R[]; newer: R[] };
  toCassandra: { missing: R[]; newer: R[] };
  mismatched: R[];
}

/**
 * Matches rows by timestamp (the id is fixed within a unit). Rows whose content differs go
 * to the store with the older write; on equal stamps PostgreSQL, the system of record, wins.
 */
function compare<R extends Stamped<AnyReading>>(canonical: (r: AnyReading) => string, pgRows: readonly R[], csRows: readonly R[]): Diff<R> {
  const diff: Diff<R> = { toPostgres: { missing: [], newer: [] }, toCassandra: { missing: [], newer: [] }, mismatched: [] };
  const cassandra = new Map(csRows.map((r) => [r.timestamp.getTime(), r]));
  for (const p of pgRows) {
    const c = cassandra.get(p.timestamp.getTime());
    if (!c) {
      diff.toCassandra.missing.push(p);
      continue;
    }
    cassandra.delete(p.timestamp.getTime());
    if (canonical(p) === canonical(c)) continue;
    diff.mismatched.push(p);
    if (c.writtenAtUs > p.writtenAtUs) diff.toPostgres.newer.push(c);
    else if (c.writtenAtUs < p.writtenAtUs) diff.toCassandra.newer.push(p);
    // A tie would not displace Cassandra's cell; one microsecond more makes the copy win.
    else diff.toCassandra.newer.push({ ...p, writtenAtUs: p.writtenAtUs + 1 });
  }
  diff.toPostgres.missing.push(...cassandra.values());
  return diff;
}

/** The stores agree: no row missing from either, none differing, and no deleted row still held. */
function agree(diff: Diff<unknown>, held: Record<'pg' | 'cs', { deleted: readonly unknown[] }>): boolean {
  return (
    diff.toPostgres.missing.length === 0 &&
    diff.toCassandra.missing.length === 0 &&
    diff.mismatched.length === 0 &&
    held.pg.deleted.length === 0 &&
    held.cs.deleted.length === 0
  );
}

function iso(r: AnyReading): string {
  return r.timestamp.toISOString();
}
