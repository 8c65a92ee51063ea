import { Inject, Injectable, Optional } from '@nestjs/common';
import { BacklogService } from '../backlog/backlog.service';
import type { AppendedBacklog } from '../backlog/backlog.service';
import type { RangeDeletion } from '../domain/deletions.model';
import { dedupeByKey, MeterReading, SensorReading, SeriesKind, Stamped, StoreName, WRITE_TARGETS, WriteTarget } from '../domain/readings.model';
import { withinRetention } from '../domain/retention.model';
import { METER_SERIES, SENSOR_SERIES, SeriesOps } from '../domain/series.model';
import { messageOf, StorageUnavailableError, StoreOutcome, withTimeout } from '../storage.errors';
import { StoreHealth } from '../health/store.health';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import type { NewBacklogEntry } from '../ports/backlog-store.port';
import type { NewQuarantineEntry } from '../ports/quarantine-store.port';
import { SENSOR_METADATA_STORE, SensorMetadata, SensorMetadataStore } from '../ports/sensor-metadata-store.port';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { QuarantineService } from '../quarantine/quarantine.service';
import { RefusedRow, writeAcceptedRows } from '../quarantine/refused-rows.splitter';
import { checkOneOf, EARLIEST_TIMESTAMP_MS, MAX_FUTURE_SKEW_MS, ReadingValidationError } from '../validation/reading.validation';

export interface WriteOptions {
  /** Default: `both` when USE_CASSANDRA is on, `postgres` otherwise. */
  target?: WriteTarget;
}

/** A reading that no store would take: it is durable nowhere and must be dead-lettered by the caller. */
export interface RefusedReading {
  /** Series id (sensor or meter id) and timestamp: the natural key. */
  id: string;
  timestamp: Date;
  /** Each store's reason. */
  reasons: Partial<Record<StoreName, string>>;
}

export interface QuarantinedRows {
  target: StoreName;
  heldIn: StoreName;
  rows: number;
  reason: string;
}

/** What a range deletion did in each store. */
export interface DeletionResult {
  deletion: RangeDeletion;
  outcomes: Partial<Record<StoreName, StoreOutcome>>;
  /** Rows removed per store that applied it (null: the store cannot count them, e.g. Cassandra). */
  removed: Partial<Record<StoreName, number | null>>;
  /** Stores that have applied the deletion now. */
  appliedIn: StoreName[];
  /** Backlog entries for stores that were down: they apply it when they return. */
  backlog: AppendedBacklog[];
}

export interface WriteResult {
  kind: 'sensor' | 'meter';
  /** Readings given. */
  received: number;
  /** Distinct natural keys written (the last of duplicates in one batch wins). */
  written: number;
  /** Readings not written because their timestamp is already past retention (they would expire at once). */
  expired: number;
  targets: StoreName[];
  /** One entry per store that was called. */
  outcomes: Partial<Record<StoreName, StoreOutcome>>;
  /** Stores the rows are durable in right now. */
  storedIn: StoreName[];
  /** Backlog entries recorded for stores that missed the write. */
  backlog: AppendedBacklog[];
  /** Rows a store refused while another holds them: set aside for that store in quarantine. */
  quarantined: QuarantinedRows[];
  /** Readings every store refused (not stored anywhere): the caller dead-letters them. */
  refused: RefusedReading[];
  /** The sensor-metadata upsert that rode along, when there was anything new to record. */
  metadata?: { ok: boolean; latencyMs: number; skipped?: boolean; error?: string };
}

type AnyReading = SensorReading | MeterReading;

/** What one store did with the rows it was asked to take. */
interface StoreAttempt<R> {
  outcome: StoreOutcome;
  rows: readonly Stamped<R>[];
  /** Rows it refused (only when it answered: outcome.ok). */
  refused: RefusedRow<Stamped<R>>[];
}

/**
 * The write half of the hybrid storage: validation, stamping, parallel upserts into the
 * targets, fallback, the backlog for a store that missed rows and the quarantine for a store
 * that refused some.
 *
 * A store that fails (does not answer, errors) is *unavailable*: its rows go to the backlog,
 * held by another store, and it is skipped for a while. A store that *refuses* rows (its own
 * answer says the data cannot be stored) is not down: the refused rows are split out of the
 * batch, the rest written, and the refused ones quarantined for it, held by a store that took
 * them. Rows that every store refuses are returned in `refused`; rows that no store holds
 * while a store is unavailable make the whole call throw StorageUnavailableError (retry it:
 * writes are idempotent).
 */
@Injectable()
export class HybridWriter {
  private readonly byName = new Map<StoreName, TimeSeriesStore>();
  private lastStampUs = 0;
  /** Sensor descriptions already in the metadata store (sensorId → signature). */
  private readonly knownMetadata = new Map<string, string>();
  private metadataRetryAt = 0;

  constructor(
    @Inject(TIME_SERIES_STORES) stores: TimeSeriesStore[],
    private readonly backlog: BacklogService,
    private readonly quarantine: QuarantineService,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    private readonly health: StoreHealth,
    @Optional() @Inject(SENSOR_METADATA_STORE) private readonly metadataStore?: SensorMetadataStore | null,
  ) {
    for (const s of stores) this.byName.set(s.name, s);
    if (this.byName.size === 0) throw new Error('HybridWriter needs at least one TimeSeriesStore');
  }

  async storeSensorDataBatch(readings: readonly SensorReading[], options: WriteOptions = {}): Promise<WriteResult> {
    const { targets, rows, expired } = this.prepare(SENSOR_SERIES, readings, options);
    const metadata = this.metadataUpsert(rows);
    const result = await this.write(SENSOR_SERIES, readings.length, rows, targets, expired);
    const md = await metadata;
    if (md) result.metadata = md;
    return result;
  }

  storeMeterReadingBatch(readings: readonly MeterReading[], options: WriteOptions = {}): Promise<WriteResult> {
    const { targets, rows, expired } = this.prepare(METER_SERIES, readings, options);
    return this.write(METER_SERIES, readings.length, rows, targets, expired);
  }

  /**
   * Deletes one series' readings in [from, to) from every configured store. The deletion is
   * stamped like a write: each store removes the rows written at or before the stamp and
   * keeps shadowing them (PostgreSQL with a durable record of deleted ranges that its upsert
   * respects, Cassandra with a range tombstone at that timestamp), so no later replay,
   * backfill or repair of an older write brings them back. A store that is down gets the
   * deletion through the backlog, like a write it missed. Throws StorageUnavailableError when
   * no store could apply it (nothing recorded: the caller may retry).
   */
  async deleteRange(kind: SeriesKind, id: string, from: Date, to: Date): Promise<DeletionResult> {
    if (typeof id !== 'string' || id.trim().length === 0) throw new ReadingValidationError('id', 'empty', 'must not be empty');
    if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new ReadingValidationError('from', 'bad_format', 'must be a valid date');
    if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new ReadingValidationError('to', 'bad_format', 'must be a valid date');
    if (from >= to) throw new ReadingValidationError('from', 'out_of_range', 'must be before `to`');
    const deletedAtUs = this.nextStampUs();
    // No stored row can lie outside [2000-01-01, stamp + 1 day) (validation refuses those
    // timestamps), so the range is clipped to it: a deletion "up to 9999" costs no more than one
    // up to tomorrow (Cassandra deletes bucket by bucket).
    const lo = new Date(Math.max(from.getTime(), EARLIEST_TIMESTAMP_MS));
    const hi = new Date(Math.min(to.getTime(), Math.floor(deletedAtUs / 1000) + MAX_FUTURE_SKEW_MS));
    if (lo >= hi) throw new ReadingValidationError('to', 'out_of_range', 'the range holds no storable timestamp (2000-01-01 .. now + 1 day)');
    const deletion: RangeDeletion = { kind, id, from: lo, to: hi, deletedAtUs };
    const result: DeletionResult = { deletion, outcomes: {}, removed: {}, appliedIn: [], backlog: [] };
    const names = this.configuredStores();
    const attempts = await Promise.all(
      names.map(async (name): Promise<{ name: StoreName; outcome: StoreOutcome; rows?: number | null }> => {
        const started = performance.now();
        try {
          const r = await withTimeout(this.byName.get(name)!.deleteRange(deletion), this.settings.storeTimeoutMs, `${name} delete`);
          this.health.markUp(name);
          return { name, outcome: { store: name, ok: true, latencyMs: elapsed(started), role: 'target' }, rows: r.rows };
        } catch (err) {
          this.health.markDown(name, messageOf(err));
          return { name, outcome: { store: name, ok: false, latencyMs: elapsed(started), error: messageOf(err), role: 'target' } };
        }
      }),
    );
    for (const a of attempts) {
      result.outcomes[a.name] = a.outcome;
      if (a.outcome.ok) {
        result.appliedIn.push(a.name);
        result.removed[a.name] = a.rows ?? null;
      }
    }
    if (result.appliedIn.length === 0) {
      throw new StorageUnavailableError(`no store could apply the deletion: ${attempts.map((a) => `${a.name}: ${a.outcome.error}`).join('; ')}`, attempts.map((a) => a.outcome));
    }
    for (const a of attempts.filter((x) => !x.outcome.ok)) {
      try {
        result.backlog.push(await this.backlog.append(a.name, [{ kind: 'deletion', rows: [deletion], target: a.name, reason: a.outcome.error ?? 'unknown error' }], result.appliedIn));
      } catch (err) {
        throw new StorageUnavailableError(
          `the deletion is applied in ${result.appliedIn.join(', ')} but ${a.name} missed it and ${messageOf(err)}`,
          attempts.map((x) => x.outcome),
        );
      }
    }
    return result;
  }

  /** Validates everything first: a bad reading or option means nothing is written anywhere. */
  private prepare<R extends AnyReading>(
    ops: SeriesOps<R, unknown>,
    readings: readonly R[],
    options: WriteOptions,
  ): { targets: StoreName[]; rows: Stamped<R>[]; expired: number } {
    if (!Array.isArray(readings)) throw new ReadingValidationError('readings', 'wrong_type', 'must be an array');
    const target = options.target === undefined ? this.settings.defaultTarget : checkOneOf(options.target, WRITE_TARGETS, 'target');
    const targets: StoreName[] = target === 'both' ? ['postgres', 'cassandra'] : [target];
    for (const t of targets) {
      if (!this.byName.has(t)) throw new ReadingValidationError('target', 'unknown_value', `store ${t} is not configured here`);
    }
    const now = Date.now();
    const checked = readings.map((r, i) => {
      try {
        return ops.check(r, now);
      } catch (err) {
        if (err instanceof ReadingValidationError) throw err.atIndex(i);
        throw err;
      }
    });
    const writtenAtUs = this.nextStampUs();
    // The checked readings are fresh copies, so stamping them in place is safe. Readings past
    // retention are not written: they would expire at once in Cassandra and land in a
    // PostgreSQL partition that retention drops (or re-create one it dropped).
    const kept = withinRetention(this.settings.retention, ops.kind, checked, now);
    const rows = dedupeByKey(ops.kind, kept) as Stamped<R>[];
    for (const r of rows) r.writtenAtUs = writtenAtUs;
    return { targets, rows, expired: checked.length - kept.length };
  }

  private async write<R extends AnyReading>(
    ops: SeriesOps<R, unknown>,
    received: number,
    rows: Stamped<R>[],
    targets: StoreName[],
    expired: number,
  ): Promise<WriteResult> {
    const result: WriteResult = {
      kind: ops.kind,
      received,
      written: rows.length,
      expired,
      targets,
      outcomes: {},
      storedIn: [],
      backlog: [],
      quarantined: [],
      refused: [],
    };
    if (rows.length === 0) return result;

    const attempts = await Promise.all(targets.map((t) => this.upsertInto(ops, t, rows, 'target')));
    // A single-target write falls back to the other store for what the target did not take:
    // everything when it failed, the refused rows when it refused some. The other store then
    // holds them (with a backlog or quarantine entry) until the target takes them.
    const other = targets.length === 1 ? this.configuredStores().find((s) => s !== targets[0]) : undefined;
    if (other) {
      const [first] = attempts;
      const missed = first!.outcome.ok ? first!.refused.map((r) => r.row) : rows;
      if (missed.length > 0) attempts.push(await this.upsertInto(ops, other, missed, 'fallback'));
    }
    for (const a of attempts) result.outcomes[a.outcome.store] = a.outcome;

    // Per row: which stores took it, which refused it (and why), which were unavailable.
    const takenBy = new Map<Stamped<R>, StoreName[]>();
    const refusedBy = new Map<Stamped<R>, Partial<Record<StoreName, string>>>();
    const unavailable: StoreName[] = [];
    for (const a of attempts) {
      const store = a.outcome.store;
      if (!a.outcome.ok) {
        unavailable.push(store);
        continue;
      }
      const refusedHere = new Map(a.refused.map((r) => [r.row, r.reason]));
      for (const r of a.rows) {
        const reason = refusedHere.get(r);
        if (reason === undefined) takenBy.set(r, [...(takenBy.get(r) ?? []), store]);
        else refusedBy.set(r, { ...refusedBy.get(r), [store]: reason });
      }
    }
    const nowhere = rows.filter((r) => !takenBy.has(r));
    if (nowhere.length > 0 && unavailable.length > 0) {
      throw new StorageUnavailableError(
        `no store took ${nowhere.length} of ${rows.length} ${ops.kind} rows: ${attempts.map((a) => `${a.outcome.store}: ${a.outcome.error ?? 'refused some rows'}`).join('; ')}`,
        attempts.map((a) => a.outcome),
      );
    }
    result.refused = nowhere.map((r) => ({ id: ops.idOf(r), timestamp: r.timestamp, reasons: refusedBy.get(r) ?? {} }));
    result.storedIn = attempts.filter((a) => a.outcome.ok && a.rows.some((r) => takenBy.get(r)?.includes(a.outcome.store))).map((a) => a.outcome.store);

    const durable = rows.filter((r) => takenBy.has(r));
    for (const target of targets.filter((t) => unavailable.includes(t))) {
      if (durable.length === 0) break;
      const reason = result.outcomes[target]?.error ?? 'unknown error';
      try {
        result.backlog.push(await this.backlog.append(target, this.chunks(ops, durable, (part) => ({ ...ops.payload(part), target, reason })), result.storedIn));
      } catch (err) {
        throw new StorageUnavailableError(
          `${ops.kind} rows are in ${result.storedIn.join(', ')} but ${target} missed them and ${messageOf(err)}`,
          attempts.map((a) => a.outcome),
        );
      }
    }
    for (const a of attempts) {
      const store = a.outcome.store;
      const setAside = a.refused.map((r) => r.row).filter((r) => takenBy.has(r));
      if (setAside.length === 0) continue;
      const reason = a.refused[0]!.reason;
      const holders = [...new Set(setAside.flatMap((r) => takenBy.get(r)!))];
      try {
        const firstFailedAt = new Date();
        const entries = this.chunks(ops, setAside, (part) => ({ ...ops.payload(part), target: store, reason, attempts: 0, firstFailedAt }) as NewQuarantineEntry);
        const added = await this.quarantine.add(store, entries, holders);
        result.quarantined.push({ target: store, heldIn: added.heldIn, rows: added.rows, reason });
      } catch (err) {
        throw new StorageUnavailableError(
          `${setAside.length} ${ops.kind} rows refused by ${store} could not be set aside: ${messageOf(err)}`,
          attempts.map((x) => x.outcome),
        );
      }
    }
    return result;
  }

  /** Writes into one store; a refusal isolates the refused rows instead of failing the store. */
  private async upsertInto<R extends AnyReading>(
    ops: SeriesOps<R, unknown>,
    name: StoreName,
    rows: readonly Stamped<R>[],
    role: StoreOutcome['role'],
  ): Promise<StoreAttempt<R>> {
    const store = this.byName.get(name)!;
    const down = this.health.shouldSkip(name);
    if (down) {
      const error = `skipped: down since ${down.since.toISOString()} (${down.error})`;
      return { outcome: { store: name, ok: false, latencyMs: 0, error, role }, rows, refused: [] };
    }
    const started = performance.now();
    try {
      const refused = await withTimeout(
        writeAcceptedRows(rows, (part) => ops.upsert(store, part)),
        this.settings.storeTimeoutMs,
        `${name} upsert`,
      );
      this.health.markUp(name);
      const outcome: StoreOutcome = { store: name, ok: true, latencyMs: elapsed(started), role };
      if (refused.length > 0) outcome.refusedRows = refused.length;
      return { outcome, rows, refused };
    } catch (err) {
      this.health.markDown(name, messageOf(err));
      return { outcome: { store: name, ok: false, latencyMs: elapsed(started), error: messageOf(err), role }, rows, refused: [] };
    }
  }

  private chunks<R extends AnyReading, E>(ops: SeriesOps<R, unknown>, rows: readonly Stamped<R>[], make: (part: Stamped<R>[]) => E): E[] {
    const out: E[] = [];
    for (let i = 0; i < rows.length; i += this.settings.backlogChunkRows) out.push(make(rows.slice(i, i + this.settings.backlogChunkRows)));
    return out;
  }

  private configuredStores(): StoreName[] {
    return [...this.byName.keys()];
  }

  /** Microseconds since the epoch, strictly increasing within this process. */
  private nextStampUs(): number {
    this.lastStampUs = Math.max(Date.now() * 1000, this.lastStampUs + 1);
    return this.lastStampUs;
  }

  /**
   * Records new or changed sensor descriptions in the metadata store. Only descriptions this
   * process has not yet stored are sent, so steady-state batches cost nothing; a failure is
   * reported in the result, not cached, and retried after a pause.
   */
  private async metadataUpsert(rows: readonly SensorReading[]): Promise<WriteResult['metadata']> {
    if (!this.metadataStore) return undefined;
    const latest = new Map<string, SensorMetadata>();
    for (const r of rows) {
      const prev = latest.get(r.sensorId);
      if (prev && prev.observedAt > r.timestamp) continue;
      latest.set(r.sensorId, {
        sensorId: r.sensorId,
        sensorType: r.sensorType,
        observedAt: r.timestamp,
        ...(r.unit !== undefined ? { unit: r.unit } : {}),
        ...(r.location !== undefined ? { location: r.location } : {}),
        ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
      });
    }
    const changed = [...latest.values()].filter((m) => this.knownMetadata.get(m.sensorId) !== signature(m));
    if (changed.length === 0) return undefined;
    if (Date.now() < this.metadataRetryAt) return { ok: false, latencyMs: 0, skipped: true, error: 'metadata store recently failed' };
    const started = performance.now();
    try {
      await withTimeout(this.metadataStore.upsertSensorMetadata(changed), this.settings.metadataTimeoutMs, 'metadata upsert');
      if (this.knownMetadata.size > 100_000) this.knownMetadata.clear();
      for (const m of changed) this.knownMetadata.set(m.sensorId, signature(m));
      return { ok: true, latencyMs: elapsed(started) };
    } catch (err) {
      this.metadataRetryAt = Date.now() + this.settings.metadataRetryAfterMs;
      return { ok: false, latencyMs: elapsed(started), error: messageOf(err) };
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function signature(m: SensorMetadata): string {
  return JSON.stringify([m.sensorType, m.unit ?? null, m.location ?? null, m.metadata ?? null]);
}
