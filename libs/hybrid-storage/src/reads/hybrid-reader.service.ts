import { Inject, Injectable } from '@nestjs/common';
import { BacklogService, BacklogStatus } from '../backlog/backlog.service';
import { MeterReading, MeterReadingRecord, READ_SOURCES, ReadSource, SensorReading, SensorReadingRecord, StoreName } from '../domain/readings.model';
import { METER_SERIES, SENSOR_SERIES, SeriesOps } from '../domain/series.model';
import { retentionHorizon } from '../domain/retention.model';
import { messageOf, StorageReadError, withTimeout } from '../storage.errors';
import { StoreHealth } from '../health/store.health';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import { TIME_SERIES_STORES, TimeSeriesStore } from '../ports/time-series-store.port';
import { checkOneOf, MAX_FUTURE_SKEW_MS, MAX_ID_LENGTH, ReadingValidationError } from '../validation/reading.validation';

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

/** A page of a walk through a range; pass `nextCursor` back as `cursor` for the next one. */
export interface ReadPage<T> extends ReadResult<T> {
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface PageOptions extends ReadOptions {
  /** `nextCursor` of the previous page (it pins the store the walk started in). */
  cursor?: string | null;
}

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;
/** Rows fetched per round trip when streaming a whole range. */
export const STREAM_PAGE_ROWS = 10_000;
const DEFAULT_READ_WINDOW_MS = 86_400_000;

interface Cursor {
  /** Series kind and id the walk is over. */
  k: 'sensor' | 'meter';
  i: string;
  /** Store the walk reads from. */
  s: StoreName;
  /** Next page ends before this instant (epoch ms): the oldest row returned so far. */
  t: number;
}

/**
 * The read half of the hybrid storage: picks the store to read from (see pickReadOrder),
 * falls back to the other on an error, tags every record with its source; and reports the
 * replication backlog.
 */
@Injectable()
export class HybridReader {
  private readonly byName = new Map<StoreName, TimeSeriesStore>();

  constructor(
    @Inject(TIME_SERIES_STORES) stores: TimeSeriesStore[],
    private readonly backlog: BacklogService,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
    private readonly health: StoreHealth,
  ) {
    for (const s of stores) this.byName.set(s.name, s);
  }

  /** The stores reads may use, in the order they were configured. */
  get configuredStores(): StoreName[] {
    return [...this.byName.keys()];
  }

  store(name: StoreName): TimeSeriesStore | undefined {
    return this.byName.get(name);
  }

  getSensorData(sensorId: string, options: ReadOptions = {}): Promise<ReadResult<SensorReadingRecord>> {
    return this.read(SENSOR_SERIES, 'sensorId', sensorId, options);
  }

  getMeterReadings(meterId: string, options: ReadOptions = {}): Promise<ReadResult<MeterReadingRecord>> {
    return this.read(METER_SERIES, 'meterId', meterId, options);
  }

  /**
   * One page of a walk through [from, to), newest first: the first page picks the store like
   * any read (with fallback), later pages read the same store, each starting just before the
   * oldest row of the previous one (timestamps are unique per series). Walking every page
   * returns each stored row exactly once.
   */
  getSensorPage(sensorId: string, options: PageOptions = {}): Promise<ReadPage<SensorReadingRecord>> {
    return this.page(SENSOR_SERIES, 'sensorId', sensorId, options);
  }

  getMeterPage(meterId: string, options: PageOptions = {}): Promise<ReadPage<MeterReadingRecord>> {
    return this.page(METER_SERIES, 'meterId', meterId, options);
  }

  /**
   * The whole range [from, to), newest first, in pages of STREAM_PAGE_ROWS from one store
   * (chosen like a read, with fallback for the first page only). Memory stays bounded by a
   * page; a consumer that stops iterating stops the queries.
   */
  streamSensorData(sensorId: string, options: Omit<ReadOptions, 'limit'> = {}): AsyncGenerator<SensorReadingRecord[]> {
    return this.stream(SENSOR_SERIES, 'sensorId', sensorId, options);
  }

  streamMeterReadings(meterId: string, options: Omit<ReadOptions, 'limit'> = {}): AsyncGenerator<MeterReadingRecord[]> {
    return this.stream(METER_SERIES, 'meterId', meterId, options);
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

  /** Depth and age of the replication backlog, for health and metrics. */
  getBacklogStatus(): Promise<BacklogStatus> {
    return this.backlog.getStatus();
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
    // Rows past retention are not served: Cassandra has expired them while PostgreSQL may
    // still hold them until their month's partition is dropped, and both must answer alike.
    const horizon = retentionHorizon(this.settings.retention, ops.kind);
    const from = horizon && horizon > q.from ? horizon : q.from;
    if (from >= q.to) return { records: [], source: order[0]!, failed };
    for (const name of order) {
      try {
        const rows = await withTimeout(
          ops.query(this.byName.get(name)!, { id: q.id, from, to: q.to, limit: q.limit }),
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

  private async page<R extends SensorReading | MeterReading, Rec extends { timestamp: Date }>(
    ops: SeriesOps<R, Rec>,
    idField: string,
    id: string,
    options: PageOptions,
  ): Promise<ReadPage<Rec>> {
    const q = this.checkRead(idField, id, options);
    let result: ReadResult<Rec>;
    if (options.cursor) {
      const c = decodeCursor(options.cursor, ops.kind, id);
      if (c.t <= q.from.getTime()) return { records: [], source: c.s, failed: [], nextCursor: null };
      const to = new Date(Math.min(q.to.getTime(), c.t));
      result = await this.read(ops, idField, id, { ...options, to, source: c.s });
    } else {
      result = await this.read(ops, idField, id, options);
    }
    const last = result.records[result.records.length - 1];
    const more = last !== undefined && result.records.length === q.limit;
    return {
      ...result,
      nextCursor: more ? encodeCursor({ k: ops.kind, i: id, s: result.source, t: last.timestamp.getTime() }) : null,
    };
  }

  private async *stream<R extends SensorReading | MeterReading, Rec extends { timestamp: Date }>(
    ops: SeriesOps<R, Rec>,
    idField: string,
    id: string,
    options: Omit<ReadOptions, 'limit'>,
  ): AsyncGenerator<Rec[]> {
    let cursor: string | null = null;
    do {
      const page: ReadPage<Rec> = await this.page(ops, idField, id, { ...options, limit: STREAM_PAGE_ROWS, cursor });
      if (page.records.length > 0) yield page.records;
      cursor = page.nextCursor;
    } while (cursor);
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

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, kind: 'sensor' | 'meter', id: string): Cursor {
  let c: Partial<Cursor> | null = null;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    c = null;
  }
  if (!c || c.k !== kind || c.i !== id || (c.s !== 'postgres' && c.s !== 'cassandra') || typeof c.t !== 'number' || !Number.isFinite(c.t)) {
    throw new ReadingValidationError('cursor', 'bad_format', 'is not a cursor this API returned for this series');
  }
  return c as Cursor;
}
