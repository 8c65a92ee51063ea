import { StoreRefusedError } from '@smartgrid/hybrid-storage';
import type {
  BacklogEntry,
  BacklogStore,
  BacklogTargetStatus,
  MeterReading,
  NewBacklogEntry,
  NewQuarantineEntry,
  QuarantineEntry,
  QuarantineStore,
  RangeDeletion,
  ReleaseOutcome,
  SeriesKind,
  SensorReading,
  SeriesQuery,
  Stamped,
  StoreName,
  TimeSeriesStore,
} from '@smartgrid/hybrid-storage';

/**
 * In-process stand-ins for the store adapters, for unit tests of code that uses the storage
 * API (the real adapters are tested against real servers). Same upsert semantics (newer stamp
 * wins); `down` makes every call fail like an unavailable store; `refuse` makes the store
 * refuse batches holding a matching row, like a store rejecting a value.
 */
export class InMemoryTimeSeriesStore implements TimeSeriesStore {
  readonly sensors = new Map<string, Stamped<SensorReading>>();
  readonly meters = new Map<string, Stamped<MeterReading>>();
  /** Deletions applied (they shadow older writes of their range, like the real stores). */
  readonly deletions: RangeDeletion[] = [];
  /** When set, every call rejects with this message. */
  down: string | null = null;
  /** Returns a reason when the store refuses this row (the whole batch holding it is refused). */
  refuse: ((row: Stamped<SensorReading> | Stamped<MeterReading>) => string | null) | null = null;
  calls = 0;

  constructor(readonly name: StoreName) {}

  async ping(): Promise<void> {
    this.guard();
  }

  async upsertSensorReadings(rows: readonly Stamped<SensorReading>[]): Promise<void> {
    this.guard(rows);
    for (const r of rows) if (!this.shadowed('sensor', r.sensorId, r)) upsert(this.sensors, `${r.sensorId}|${r.timestamp.getTime()}`, r);
  }

  async upsertMeterReadings(rows: readonly Stamped<MeterReading>[]): Promise<void> {
    this.guard(rows);
    for (const r of rows) if (!this.shadowed('meter', r.meterId, r)) upsert(this.meters, `${r.meterId}|${r.timestamp.getTime()}`, r);
  }

  async deleteRange(d: RangeDeletion): Promise<{ rows: number | null }> {
    this.guard();
    const map: Map<string, Stamped<SensorReading> | Stamped<MeterReading>> = d.kind === 'sensor' ? this.sensors : this.meters;
    let n = 0;
    for (const [key, r] of map) {
      const id = d.kind === 'sensor' ? (r as Stamped<SensorReading>).sensorId : (r as Stamped<MeterReading>).meterId;
      if (id === d.id && r.timestamp >= d.from && r.timestamp < d.to && r.writtenAtUs <= d.deletedAtUs) {
        map.delete(key);
        n++;
      }
    }
    if (!this.deletions.some((x) => x.kind === d.kind && x.id === d.id && +x.from === +d.from && +x.to === +d.to && x.deletedAtUs === d.deletedAtUs)) this.deletions.push({ ...d });
    return { rows: n };
  }

  async listDeletions(kind: SeriesKind, id: string, from: Date, to: Date): Promise<RangeDeletion[]> {
    this.guard();
    return this.deletions.filter((d) => d.kind === kind && d.id === id && d.from < to && d.to > from);
  }

  async dropExpired(kind: SeriesKind, horizon: Date): Promise<string[]> {
    this.guard();
    const map: Map<string, { timestamp: Date }> = kind === 'sensor' ? this.sensors : this.meters;
    let n = 0;
    for (const [key, r] of map) if (r.timestamp < horizon) (map.delete(key), n++);
    return n > 0 ? [`${n} ${kind} rows`] : [];
  }

  private shadowed(kind: SeriesKind, id: string, r: { timestamp: Date; writtenAtUs: number }): boolean {
    return this.deletions.some((d) => d.kind === kind && d.id === id && r.timestamp >= d.from && r.timestamp < d.to && r.writtenAtUs <= d.deletedAtUs);
  }

  async querySensorReadings(q: SeriesQuery): Promise<Stamped<SensorReading>[]> {
    this.guard();
    return select([...this.sensors.values()].filter((r) => r.sensorId === q.id), q);
  }

  async queryMeterReadings(q: SeriesQuery): Promise<Stamped<MeterReading>[]> {
    this.guard();
    return select([...this.meters.values()].filter((r) => r.meterId === q.id), q);
  }

  async listSensorIds(from: Date, to: Date): Promise<string[]> {
    this.guard();
    return ids([...this.sensors.values()].map((r) => [r.sensorId, r.timestamp] as const), from, to);
  }

  async listMeterIds(from: Date, to: Date): Promise<string[]> {
    this.guard();
    return ids([...this.meters.values()].map((r) => [r.meterId, r.timestamp] as const), from, to);
  }

  private guard(rows: readonly (Stamped<SensorReading> | Stamped<MeterReading>)[] = []): void {
    this.calls++;
    if (this.down !== null) throw new Error(this.down);
    if (!this.refuse) return;
    for (const r of rows) {
      const reason = this.refuse(r);
      if (reason !== null) throw new StoreRefusedError(this.name, reason, 'test');
    }
  }
}

function upsert<T extends { writtenAtUs: number }>(map: Map<string, T>, key: string, row: T): void {
  const prev = map.get(key);
  if (!prev || prev.writtenAtUs <= row.writtenAtUs) map.set(key, { ...row });
}

function select<T extends { timestamp: Date }>(rows: T[], q: SeriesQuery): T[] {
  const inRange = rows
    .filter((r) => r.timestamp >= q.from && r.timestamp < q.to)
    .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
  return q.limit === undefined ? inRange : inRange.slice(0, q.limit);
}

function ids(pairs: (readonly [string, Date])[], from: Date, to: Date): string[] {
  return [...new Set(pairs.filter(([, ts]) => ts >= from && ts < to).map(([id]) => id))];
}

type StoredBacklogEntry = BacklogEntry & { retryAt: Date | null; lastError: string | null };

/**
 * What the in-memory backlog and quarantine share: entries with sequential ids, held in a
 * store (`location`), and down whenever that store (`home`) is, or when `down` is set.
 */
abstract class InMemoryHeldEntries<E> {
  readonly entries: E[] = [];
  down: string | null = null;
  private seq = 0;

  constructor(
    readonly location: StoreName,
    /** The store these entries live in: they are unreachable whenever it is down. */
    private readonly home?: InMemoryTimeSeriesStore,
  ) {}

  /** Keeps one entry per new one, each under the next id; returns the ids in order. */
  protected keep<N>(news: readonly N[], entry: (n: N, id: string) => E): string[] {
    return news.map((n) => {
      const id = String(++this.seq);
      this.entries.push(entry(n, id));
      return id;
    });
  }

  protected guard(): void {
    const reason = this.down ?? this.home?.down ?? null;
    if (reason !== null) throw new Error(reason);
  }
}

export class InMemoryBacklogStore extends InMemoryHeldEntries<StoredBacklogEntry> implements BacklogStore {
  constructor(
    location: StoreName,
    home?: InMemoryTimeSeriesStore,
    /** The clock used for retry times. */
    private readonly now: () => number = () => Date.now(),
  ) {
    super(location, home);
  }

  async append(entries: readonly NewBacklogEntry[]): Promise<string[]> {
    this.guard();
    return this.keep(entries, (e, id) => ({ ...e, id, createdAt: new Date(this.now()), attempts: 0, retryAt: null, lastError: null }) as StoredBacklogEntry);
  }

  async claim(target: StoreName, limit: number): Promise<BacklogEntry[]> {
    this.guard();
    return this.entries
      .filter((e) => e.target === target && (e.retryAt === null || e.retryAt.getTime() <= this.now()))
      .slice(0, limit)
      .map((e) => ({ ...e }));
  }

  async complete(entries: readonly BacklogEntry[]): Promise<void> {
    this.guard();
    const done = new Set(entries.map((e) => e.id));
    for (let i = this.entries.length - 1; i >= 0; i--) if (done.has(this.entries[i]!.id)) this.entries.splice(i, 1);
  }

  async release(entry: BacklogEntry, outcome: ReleaseOutcome): Promise<void> {
    this.guard();
    const e = this.entries.find((x) => x.id === entry.id);
    if (!e) return;
    e.attempts = outcome.attempts;
    e.retryAt = outcome.retryAt;
    e.lastError = outcome.error;
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.guard();
    return statusOf(this.entries.map((e) => ({ target: e.target, rows: e.rows.length, at: e.createdAt })));
  }
}

export class InMemoryQuarantineStore extends InMemoryHeldEntries<QuarantineEntry> implements QuarantineStore {
  async add(entries: readonly NewQuarantineEntry[]): Promise<string[]> {
    this.guard();
    return this.keep(entries, (e, id) => ({ ...e, id, quarantinedAt: new Date(), retries: 0, lastError: null }) as QuarantineEntry);
  }

  async list(q: { target?: StoreName; limit: number; after?: string }): Promise<QuarantineEntry[]> {
    this.guard();
    const after = q.after === undefined ? 0 : Number(q.after);
    return this.entries.filter((e) => (!q.target || e.target === q.target) && Number(e.id) > after).slice(0, q.limit);
  }

  async get(id: string): Promise<QuarantineEntry | null> {
    this.guard();
    return this.entries.find((e) => e.id === id) ?? null;
  }

  async recordRetry(id: string, error: string): Promise<void> {
    this.guard();
    const e = this.entries.find((x) => x.id === id);
    if (e) {
      e.retries++;
      e.lastError = error;
    }
  }

  async remove(id: string): Promise<boolean> {
    this.guard();
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.guard();
    return statusOf(this.entries.map((e) => ({ target: e.target, rows: e.rows.length, at: e.quarantinedAt })));
  }

  /** Every row held, of every entry. */
  rows(): (Stamped<SensorReading> | Stamped<MeterReading>)[] {
    return this.entries.flatMap((e): (Stamped<SensorReading> | Stamped<MeterReading>)[] => e.rows);
  }
}

function statusOf(items: { target: StoreName; rows: number; at: Date }[]): BacklogTargetStatus[] {
  const byTarget = new Map<StoreName, BacklogTargetStatus>();
  for (const e of items) {
    const s = byTarget.get(e.target) ?? { target: e.target, entries: 0, rows: 0, oldestCreatedAt: null };
    s.entries++;
    s.rows += e.rows;
    if (!s.oldestCreatedAt || e.at < s.oldestCreatedAt) s.oldestCreatedAt = e.at;
    byTarget.set(e.target, s);
  }
  return [...byTarget.values()];
}
