import { Inject, Injectable, Logger } from '@nestjs/common';
import { MeterReading, SensorReading, Stamped, STORE_NAMES, StoreName } from '../domain/readings.model';
import { seriesOps } from '../domain/series.model';
import { withinRetention } from '../domain/retention.model';
import { messageOf, withTimeout } from '../storage.errors';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import type { BacklogTargetStatus } from '../ports/backlog-store.port';
import { NewQuarantineEntry, QUARANTINE_STORES, QuarantineEntry, QuarantineStore } from '../ports/quarantine-store.port';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { ReadingValidationError } from '../validation/reading.validation';
import { writeAcceptedRows } from './refused-rows.splitter';
import { HeldRowsStatus, heldTotals } from '../domain/held-rows.model';

/** A quarantine entry as operators see it: addressed by a public id, rows counted. */
export interface QuarantineItem {
  /** `<location>.<id>`: where the entry is held, and its id there. */
  id: string;
  target: StoreName;
  heldIn: StoreName;
  kind: 'sensor' | 'meter';
  rowCount: number;
  reason: string;
  attempts: number;
  firstFailedAt: Date;
  quarantinedAt: Date;
  retries: number;
  lastError: string | null;
  /** The first rows' series ids and timestamps, to find the data in question. */
  sample: { id: string; timestamp: Date }[];
}

export type QuarantineItemWithRows = QuarantineItem & { rows: QuarantineEntry['rows'] };

export interface QuarantinePage {
  items: QuarantineItem[];
  /** Pass as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
  /** Holders that could not be read (their entries are missing from the page). */
  unreachable: { location: StoreName; error: string }[];
}

export interface QuarantineTargetSummary {
  entries: number;
  rows: number;
  oldestQuarantinedAt: Date | null;
}

/** The quarantine as a whole, per store that refused the rows. */
export type QuarantineStatus = HeldRowsStatus<QuarantineTargetSummary>;

export interface QuarantineRetryResult {
  item: QuarantineItem;
  /** `replayed`: the target took every row and the entry is gone; `refused`: it still refuses some; `unavailable`: it did not answer. */
  state: 'replayed' | 'refused' | 'unavailable';
  refusedRows: number;
  error?: string;
}

export class QuarantineEntryNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no quarantine entry ${id}`);
    this.name = 'QuarantineEntryNotFoundError';
  }
}

const SAMPLE_ROWS = 3;

/**
 * The quarantine of refused rows as a whole: where refused rows are set aside (always in a
 * store other than the one that refused them, preferring stores known to be up), and what
 * operators do with them — list, inspect, retry into the target, discard.
 */
@Injectable()
export class QuarantineService {
  private readonly logger = new Logger('Quarantine');
  private readonly stores = new Map<StoreName, TimeSeriesStore>();

  constructor(
    @Inject(QUARANTINE_STORES) private readonly holders: QuarantineStore[],
    @Inject(TIME_SERIES_STORES) stores: TimeSeriesStore[],
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
  ) {
    for (const s of stores) this.stores.set(s.name, s);
  }

  /** Durably sets refused rows aside for `target`; throws when no holder could take them. */
  async add(target: StoreName, entries: NewQuarantineEntry[], preferIn: readonly StoreName[]): Promise<{ heldIn: StoreName; rows: number }> {
    const holders = this.holders
      .filter((h) => h.location !== target)
      .sort((a, b) => Number(preferIn.includes(b.location)) - Number(preferIn.includes(a.location)));
    if (holders.length === 0) throw new Error(`no quarantine is configured that can hold rows refused by ${target}`);
    const errors: string[] = [];
    const rows = entries.reduce((n, e) => n + e.rows.length, 0);
    for (const holder of holders) {
      try {
        await withTimeout(holder.add(entries), this.settings.storeTimeoutMs, `${holder.location} quarantine add`);
        this.logger.warn(`${rows} ${entries[0]?.kind ?? ''} rows refused by ${target} set aside in ${holder.location}: ${entries[0]?.reason ?? ''}`);
        return { heldIn: holder.location, rows };
      } catch (err) {
        errors.push(`${holder.location} quarantine: ${messageOf(err)}`);
      }
    }
    throw new Error(`could not quarantine rows refused by ${target}: ${errors.join('; ')}`);
  }

  async list(q: { target?: StoreName; limit: number; cursor?: string | null }): Promise<QuarantinePage> {
    const after = decodeCursor(q.cursor);
    const unreachable: QuarantinePage['unreachable'] = [];
    const fetched = await Promise.all(
      this.holders.map(async (h) => {
        try {
          const entries = await withTimeout(
            h.list({ ...(q.target ? { target: q.target } : {}), limit: q.limit + 1, ...(after[h.location] ? { after: after[h.location] } : {}) }),
            this.settings.storeTimeoutMs,
            `${h.location} quarantine list`,
          );
          return entries.map((e) => ({ holder: h.location, entry: e }));
        } catch (err) {
          unreachable.push({ location: h.location, error: messageOf(err) });
          return [];
        }
      }),
    );
    const all = fetched.flat().sort((a, b) => a.entry.quarantinedAt.getTime() - b.entry.quarantinedAt.getTime());
    const page = all.slice(0, q.limit);
    const next: Record<string, string> = { ...after };
    for (const p of page) next[p.holder] = p.entry.id;
    return {
      items: page.map((p) => toItem(p.holder, p.entry)),
      nextCursor: all.length > page.length ? encodeCursor(next) : null,
      unreachable,
    };
  }

  async get(publicId: string): Promise<QuarantineItemWithRows> {
    const { holder, entry } = await this.find(publicId);
    return { ...toItem(holder.location, entry), rows: entry.rows };
  }

  /** Writes the entry's rows into its target again; removes the entry once every row is taken. */
  async retry(publicId: string): Promise<QuarantineRetryResult> {
    const { holder, entry } = await this.find(publicId);
    const item = toItem(holder.location, entry);
    const store = this.stores.get(entry.target);
    if (!store) return { item, state: 'unavailable', refusedRows: 0, error: `store ${entry.target} is not configured here` };
    const ops = seriesOps(entry.kind);
    let refused;
    try {
      refused = await withTimeout(
        // Rows that went past retention while they waited are not written back.
        writeAcceptedRows(withinRetention(this.settings.retention, entry.kind, entry.rows as Stamped<SensorReading | MeterReading>[]), (rows) => ops.upsert(store, rows)),
        this.settings.storeTimeoutMs * 4,
        `${entry.target} quarantine retry`,
      );
    } catch (err) {
      return { item, state: 'unavailable', refusedRows: 0, error: messageOf(err) };
    }
    if (refused.length === 0) {
      await holder.remove(entry.id);
      return { item, state: 'replayed', refusedRows: 0 };
    }
    const error = refused[0]!.reason;
    await holder.recordRetry(entry.id, error);
    return { item: { ...item, retries: item.retries + 1, lastError: error }, state: 'refused', refusedRows: refused.length, error };
  }

  /** Removes the entry without writing it anywhere; returns what was discarded. */
  async discard(publicId: string): Promise<QuarantineItem> {
    const { holder, entry } = await this.find(publicId);
    if (!(await holder.remove(entry.id))) throw new QuarantineEntryNotFoundError(publicId);
    return toItem(holder.location, entry);
  }

  async status(now = new Date()): Promise<QuarantineStatus> {
    const targets = Object.fromEntries(STORE_NAMES.map((s) => [s, { entries: 0, rows: 0, oldestQuarantinedAt: null }])) as Record<
      StoreName,
      QuarantineTargetSummary
    >;
    const unreachable: QuarantineStatus['unreachable'] = [];
    await Promise.all(
      this.holders.map(async (h) => {
        let res: BacklogTargetStatus[];
        try {
          res = await withTimeout(h.status(), this.settings.storeTimeoutMs, `${h.location} quarantine status`);
        } catch (err) {
          unreachable.push({ location: h.location, error: messageOf(err) });
          return;
        }
        for (const t of res) {
          const into = targets[t.target];
          into.entries += t.entries;
          into.rows += t.rows;
          if (t.oldestCreatedAt && (!into.oldestQuarantinedAt || t.oldestCreatedAt < into.oldestQuarantinedAt)) into.oldestQuarantinedAt = t.oldestCreatedAt;
        }
      }),
    );
    return {
      ...heldTotals(targets, (t) => (t.oldestQuarantinedAt ? Math.max(0, now.getTime() - t.oldestQuarantinedAt.getTime()) : null)),
      targets,
      unreachable,
    };
  }

  private async find(publicId: string): Promise<{ holder: QuarantineStore; entry: QuarantineEntry }> {
    const dot = publicId.indexOf('.');
    const location = publicId.slice(0, dot);
    const holder = this.holders.find((h) => h.location === location);
    if (dot < 1 || !holder) throw new QuarantineEntryNotFoundError(publicId);
    const entry = await withTimeout(holder.get(publicId.slice(dot + 1)), this.settings.storeTimeoutMs, `${location} quarantine get`);
    if (!entry) throw new QuarantineEntryNotFoundError(publicId);
    return { holder, entry };
  }
}

function toItem(heldIn: StoreName, e: QuarantineEntry): QuarantineItem {
  const ops = seriesOps(e.kind);
  return {
    id: `${heldIn}.${e.id}`,
    target: e.target,
    heldIn,
    kind: e.kind,
    rowCount: e.rows.length,
    reason: e.reason,
    attempts: e.attempts,
    firstFailedAt: e.firstFailedAt,
    quarantinedAt: e.quarantinedAt,
    retries: e.retries,
    lastError: e.lastError,
    sample: (e.rows as Parameters<typeof ops.idOf>[0][]).slice(0, SAMPLE_ROWS).map((r) => ({ id: ops.idOf(r), timestamp: r.timestamp })),
  };
}

function encodeCursor(c: Record<string, string>): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): Record<string, string> {
  if (!cursor) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
    }
  } catch {
    // fall through
  }
  throw new ReadingValidationError('cursor', 'bad_format', 'is not a cursor this API returned');
}
