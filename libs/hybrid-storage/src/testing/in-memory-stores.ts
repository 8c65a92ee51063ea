import type { MeterReading, SensorReading, Stamped, StoreName } from '../domain/readings';
import type { BacklogEntry, BacklogStore, BacklogTargetStatus, NewBacklogEntry } from '../ports/backlog-store.port';
import type { SeriesQuery, TimeSeriesStore } from '../ports/time-series-store.port';

/**
 * In-process stand-ins for the store adapters, with the same upsert semantics (newer stamp
 * wins) and a switch to make every call fail. For unit tests of code that uses the storage
 * API, e.g. a Kafka consumer; the real adapters are tested against real servers.
 */
export class InMemoryTimeSeriesStore implements TimeSeriesStore {
  readonly sensors = new Map<string, Stamped<SensorReading>>();
  readonly meters = new Map<string, Stamped<MeterReading>>();
  /** When set, every call rejects with this message. */
  down: string | null = null;
  calls = 0;

  constructor(readonly name: StoreName) {}

  async ping(): Promise<void> {
    this.guard();
  }

  async upsertSensorReadings(rows: readonly Stamped<SensorReading>[]): Promise<void> {
    this.guard();
    for (const r of rows) upsert(this.sensors, `${r.sensorId}|${r.timestamp.getTime()}`, r);
  }

  async upsertMeterReadings(rows: readonly Stamped<MeterReading>[]): Promise<void> {
    this.guard();
    for (const r of rows) upsert(this.meters, `${r.meterId}|${r.timestamp.getTime()}`, r);
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

  private guard(): void {
    this.calls++;
    if (this.down !== null) throw new Error(this.down);
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

export class InMemoryBacklogStore implements BacklogStore {
  readonly entries: BacklogEntry[] = [];
  down: string | null = null;
  private seq = 0;

  constructor(
    readonly location: StoreName,
    /** The store this backlog lives in: the backlog is down whenever it is. */
    private readonly home?: InMemoryTimeSeriesStore,
  ) {}

  async append(entries: readonly NewBacklogEntry[]): Promise<string[]> {
    this.guard();
    return entries.map((e) => {
      const id = String(++this.seq);
      this.entries.push({ ...e, id, createdAt: new Date(), attempts: 0 } as BacklogEntry);
      return id;
    });
  }

  async claim(target: StoreName, limit: number): Promise<BacklogEntry[]> {
    this.guard();
    return this.entries.filter((e) => e.target === target).slice(0, limit);
  }

  async complete(entries: readonly BacklogEntry[]): Promise<void> {
    this.guard();
    const done = new Set(entries.map((e) => e.id));
    for (let i = this.entries.length - 1; i >= 0; i--) if (done.has(this.entries[i]!.id)) this.entries.splice(i, 1);
  }

  async release(entry: BacklogEntry): Promise<void> {
    this.guard();
    const e = this.entries.find((x) => x.id === entry.id);
    if (e) e.attempts++;
  }

  async status(): Promise<BacklogTargetStatus[]> {
    this.guard();
    const byTarget = new Map<StoreName, BacklogTargetStatus>();
    for (const e of this.entries) {
      const s = byTarget.get(e.target) ?? { target: e.target, entries: 0, rows: 0, oldestCreatedAt: null };
      s.entries++;
      s.rows += e.rows.length;
      if (!s.oldestCreatedAt || e.createdAt < s.oldestCreatedAt) s.oldestCreatedAt = e.createdAt;
      byTarget.set(e.target, s);
    }
    return [...byTarget.values()];
  }

  private guard(): void {
    const reason = this.down ?? this.home?.down ?? null;
    if (reason !== null) throw new Error(reason);
  }
}
