import { Inject, Injectable, Optional } from '@nestjs/common';
import { BacklogService, BacklogStatus } from './backlog/backlog.service';
import type { AppendedBacklog } from './backlog/backlog.service';
import {
  dedupeByKey,
  MeterReading,
  MeterReadingRecord,
  READ_SOURCES,
  ReadSource,
  SensorReading,
  SensorReadingRecord,
  Stamped,
  StoreName,
  WRITE_TARGETS,
  WriteTarget,
} from './domain/readings';
import { METER_SERIES, SENSOR_SERIES, SeriesOps } from './domain/series';
import { messageOf, StorageReadError, StorageUnavailableError, StoreOutcome, withTimeout } from './errors';
import { StoreHealth } from './health/store-health';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from './hybrid-storage.settings';
import type { NewBacklogEntry } from './ports/backlog-store.port';
import { SENSOR_METADATA_STORE, SensorMetadata, SensorMetadataStore } from './ports/sensor-metadata-store.port';
import { TIME_SERIES_STORES, TimeSeriesStore } from './ports/time-series-store.port';
import { checkOneOf, MAX_ID_LENGTH, MAX_FUTURE_SKEW_MS, ReadingValidationError } from './validation/reading-validation';

export interface WriteOptions {
  /** Default: `both` when USE_CASSANDRA is on, `postgres` otherwise. */
  target?: WriteTarget;
}

export interface WriteResult {
  kind: 'sensor' | 'meter';
  /** Readings given. */
  received: number;
  /** Distinct natural keys written (the last of duplicates in one batch wins). */
  written: number;
  targets: StoreName[];
  /** One entry per store that was called. */
  outcomes: Partial<Record<StoreName, StoreOutcome>>;
  /** Stores the rows are durable in right now. */
  storedIn: StoreName[];
  /** Backlog entries recorded for stores that missed the write. */
  backlog: AppendedBacklog[];
  /** The sensor-metadata upsert that rode along, when there was anything new to record. */
  metadata?: { ok: boolean; latencyMs: number; skipped?: boolean; error?: string };
}

export interface ReadOptions {
  /** Inclusive; ISO-8601, epoch ms or Date. Default: 24 hours before `to`. */
  from?: Date | string | number;
  /** Exclusive. Default: now + 1 day (the furthest future a valid reading may have). */
  to?: Date | string | number;
  /** 1–10000, default 1000. Newest readings first. */
  limit?: number;
  source?: ReadSource;
}

export interface ReadResult<T> {
  records: T[];
  /** Store the records came from. */
  source: StoreName;
  /** Stores tried before `source` and why they failed. */
  failed: { store: StoreName; error: string }[];
}

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;
const DEFAULT_READ_WINDOW_MS = 86_400_000;

/**
 * The one storage API for time series (PostgreSQL and Cassandra behind ports).
 *
 * Writes go to the requested targets in parallel; each returns its outcome. A store that
 * fails is recorded in the replication backlog, held by the other store, and the replayer
 * brings it up to date once it answers again. A write that cannot be made durable anywhere
 * throws StorageUnavailableError; a write with bad input throws ReadingValidationError before
 * anything is written.
 *
 * Reads (`auto`): see pickReadOrder.
 */
@Injectable()
export class HybridStorageService {
  private readonly byName = new Map<StoreName, TimeSeriesStore>();
  private lastStampUs = 0;
  /** Sensor descriptions already in the metadata store (sensorId → signature). */
  private readonly knownMetadata = new Map<string, string>();
  private metadataRetryAt = 0;

  constructor(
    @Inject(TIME_SERIES_STORES) stores: TimeSeriesStore[],
    private readonly backlog: BacklogService,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    private readonly health: StoreHealth,
    @Optional() @Inject(SENSOR_METADATA_STORE) private readonly metadataStore?: SensorMetadataStore | null,
  ) {
    for (const s of stores) this.byName.set(s.name, s);
    if (this.byName.size === 0) throw new Error('HybridStorageService needs at least one TimeSeriesStore');
  }

  get configuredStores(): StoreName[] {
    return [...this.byName.keys()];
  }

  get defaultTarget(): WriteTarget {
    return this.settings.defaultTarget;
  }

  store(name: StoreName): TimeSeriesStore | undefined {
    return this.byName.get(name);
  }

  // ---- writes -------------------------------------------------------------------------

  storeSensorData(reading: SensorReading, options: WriteOptions = {}): Promise<WriteResult> {
    return this.storeSensorDataBatch([reading], options);
  }

  async storeSensorDataBatch(readings: readonly SensorReading[], options: WriteOptions = {}): Promise<WriteResult> {
    const { targets, rows } = this.prepare(SENSOR_SERIES, readings, options);
    const metadata = this.metadataUpsert(rows);
    const result = await this.write(SENSOR_SERIES, readings.length, rows, targets);
    const md = await metadata;
    if (md) result.metadata = md;
    return result;
  }

  storeMeterReading(reading: MeterReading, options: WriteOptions = {}): Promise<WriteResult> {
    return this.storeMeterReadingBatch([reading], options);
  }

  async storeMeterReadingBatch(readings: readonly MeterReading[], options: WriteOptions = {}): Promise<WriteResult> {
    const { targets, rows } = this.prepare(METER_SERIES, readings, options);
    return this.write(METER_SERIES, readings.length, rows, targets);
  }

  /** Validates everything first: a bad reading or option means nothing is written anywhere. */
  private prepare<R extends SensorReading | MeterReading>(
    ops: SeriesOps<R, unknown>,
    readings: readonly R[],
    options: WriteOptions,
  ): { targets: StoreName[]; rows: Stamped<R>[] } {
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
    // The checked readings are fresh copies, so stamping them in place is safe.
    const rows = dedupeByKey(ops.kind, checked) as Stamped<R>[];
    for (const r of rows) r.writtenAtUs = writtenAtUs;
    return { targets, rows };
  }

  private async write<R extends SensorReading | MeterReading>(
    ops: SeriesOps<R, unknown>,
    received: number,
    rows: Stamped<R>[],
    targets: StoreName[],
  ): Promise<WriteResult> {
    const result: WriteResult = { kind: ops.kind, received, written: rows.length, targets, outcomes: {}, storedIn: [], backlog: [] };
    if (rows.length === 0) return result;

    const outcomes = await Promise.all(targets.map((t) => this.upsertInto(ops, t, rows, 'target')));
    for (const o of outcomes) result.outcomes[o.store] = o;
    let missed = outcomes.filter((o) => !o.ok).map((o) => o.store);

    // A single-target write that failed falls back to the other store, which holds the rows
    // (and the backlog entry) until the target is back.
    if (missed.length === targets.length && targets.length === 1) {
      const other = this.configuredStores.find((s) => s !== targets[0]);
      if (other) {
        const o = await this.upsertInto(ops, other, rows, 'fallback');
        result.outcomes[other] = o;
      }
    }
    result.storedIn = Object.values(result.outcomes)
      .filter((o) => o.ok)
      .map((o) => o.store);
    if (result.storedIn.length === 0) {
      throw new StorageUnavailableError(
        `no store took the ${ops.kind} write: ${Object.values(result.outcomes).map((o) => `${o.store}: ${o.error}`).join('; ')}`,
        Object.values(result.outcomes),
      );
    }
    missed = targets.filter((t) => !result.storedIn.includes(t));
    for (const target of missed) {
      const reason = result.outcomes[target]?.error ?? 'unknown error';
      try {
        result.backlog.push(await this.backlog.append(target, this.entries(ops, target, rows, reason), result.storedIn));
      } catch (err) {
        throw new StorageUnavailableError(
          `${ops.kind} rows are in ${result.storedIn.join(', ')} but ${target} missed them and ${messageOf(err)}`,
          Object.values(result.outcomes),
        );
      }
    }
    return result;
  }

  private async upsertInto<R extends SensorReading | MeterReading>(
    ops: SeriesOps<R, unknown>,
    name: StoreName,
    rows: Stamped<R>[],
    role: StoreOutcome['role'],
  ): Promise<StoreOutcome> {
    const store = this.byName.get(name)!;
    const down = this.health.shouldSkip(name);
    if (down) {
      return { store: name, ok: false, latencyMs: 0, error: `skipped: down since ${down.since.toISOString()} (${down.error})`, role };
    }
    const started = performance.now();
    try {
      await withTimeout(ops.upsert(store, rows), this.settings.storeTimeoutMs, `${name} upsert`);
      this.health.markUp(name);
      return { store: name, ok: true, latencyMs: elapsed(started), role };
    } catch (err) {
      this.health.markDown(name, messageOf(err));
      return { store: name, ok: false, latencyMs: elapsed(started), error: messageOf(err), role };
    }
  }

  private entries<R extends SensorReading | MeterReading>(
    ops: SeriesOps<R, unknown>,
    target: StoreName,
    rows: Stamped<R>[],
    reason: string,
  ): NewBacklogEntry[] {
    const out: NewBacklogEntry[] = [];
    for (let i = 0; i < rows.length; i += this.settings.backlogChunkRows) {
      out.push({ ...ops.payload(rows.slice(i, i + this.settings.backlogChunkRows)), target, reason });
    }
    return out;
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

  // ---- reads --------------------------------------------------------------------------

  getSensorData(sensorId: string, options: ReadOptions = {}): Promise<ReadResult<SensorReadingRecord>> {
    return this.read(SENSOR_SERIES, 'sensorId', sensorId, options);
  }

  getMeterReadings(meterId: string, options: ReadOptions = {}): Promise<ReadResult<MeterReadingRecord>> {
    return this.read(METER_SERIES, 'meterId', meterId, options);
  }

  /**
   * The order `auto` tries stores in:
   *  1. a store known to be down, or to have replication work pending (it is behind), goes last;
   *  2. otherwise Cassandra first when it is a default write target (the time-series read
   *     path, sparing PostgreSQL), PostgreSQL first when it is not (it may be stale or absent);
   *  3. on an error the next store is tried, so a read survives one store being down.
   * An explicit source is used alone, without fallback.
   */
  pickReadOrder(source: ReadSource): StoreName[] {
    if (source !== 'auto') return [source];
    const preferred: StoreName[] = this.settings.defaultTarget === 'postgres' ? ['postgres', 'cassandra'] : ['cassandra', 'postgres'];
    const available = preferred.filter((s) => this.byName.has(s));
    const behind = (s: StoreName): number => (this.backlog.hasPending(s) === true || this.health.isDown(s) ? 1 : 0);
    return [...available].sort((a, b) => behind(a) - behind(b));
  }

  private async read<R extends SensorReading | MeterReading, Rec>(
    ops: SeriesOps<R, Rec>,
    idField: string,
    id: string,
    options: ReadOptions,
  ): Promise<ReadResult<Rec>> {
    const q = this.checkRead(idField, id, options);
    const order = this.pickReadOrder(q.source);
    for (const s of order) {
      if (!this.byName.has(s)) throw new ReadingValidationError('source', 'unknown_value', `store ${s} is not configured here`);
    }
    const failed: ReadResult<Rec>['failed'] = [];
    for (const name of order) {
      try {
        const rows = await withTimeout(
          ops.query(this.byName.get(name)!, { id: q.id, from: q.from, to: q.to, limit: q.limit }),
          this.settings.storeTimeoutMs,
          `${name} query`,
        );
        return { records: rows.map((r) => ops.toRecord(r, name)), source: name, failed };
      } catch (err) {
        failed.push({ store: name, error: messageOf(err) });
      }
    }
    throw new StorageReadError(`${ops.kind} read failed in ${failed.map((f) => `${f.store} (${f.error})`).join(', ')}`, failed);
  }

  private checkRead(idField: string, id: unknown, o: ReadOptions): { id: string; from: Date; to: Date; limit: number; source: ReadSource } {
    if (typeof id !== 'string' || id.trim() === '') throw new ReadingValidationError(idField, 'empty', 'must be a non-empty string');
    if (id.length > MAX_ID_LENGTH) throw new ReadingValidationError(idField, 'too_long', `must be at most ${MAX_ID_LENGTH} characters`);
    const source = o.source === undefined ? 'auto' : checkOneOf(o.source, READ_SOURCES, 'source');
    const to = o.to === undefined ? new Date(Date.now() + MAX_FUTURE_SKEW_MS) : instant(o.to, 'to');
    const from = o.from === undefined ? new Date(to.getTime() - DEFAULT_READ_WINDOW_MS) : instant(o.from, 'from');
    if (from >= to) throw new ReadingValidationError('from', 'out_of_range', 'must be before `to`');
    const limit = o.limit ?? DEFAULT_READ_LIMIT;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
      throw new ReadingValidationError('limit', 'out_of_range', `must be an integer from 1 to ${MAX_READ_LIMIT}`);
    }
    return { id, from, to, limit, source };
  }

  // ---- backlog ------------------------------------------------------------------------

  /** Depth and age of the replication backlog, for health and metrics. */
  getBacklogStatus(): Promise<BacklogStatus> {
    return this.backlog.getStatus();
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function signature(m: SensorMetadata): string {
  return JSON.stringify([m.sensorType, m.unit ?? null, m.location ?? null, m.metadata ?? null]);
}

/** A query bound: any valid instant (no plausibility window, unlike reading timestamps). */
function instant(v: unknown, field: string): Date {
  let d: Date;
  if (v instanceof Date) d = new Date(v.getTime());
  else if (typeof v === 'number' && Number.isFinite(v)) d = new Date(v);
  else if (typeof v === 'string' && v.trim() !== '') d = /^-?\d+$/.test(v.trim()) ? new Date(Number(v)) : new Date(v);
  else throw new ReadingValidationError(field, 'wrong_type', 'must be an ISO-8601 date-time, epoch milliseconds or a Date');
  if (Number.isNaN(d.getTime())) throw new ReadingValidationError(field, 'bad_format', `${JSON.stringify(v)} is not a valid date-time`);
  return d;
}
