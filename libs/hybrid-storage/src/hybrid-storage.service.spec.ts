import { InMemoryBacklogStore, InMemoryQuarantineStore, InMemoryTimeSeriesStore } from '@smartgrid/testing';
import { BacklogReplayer } from './backlog/backlog-replayer.service';
import { BacklogService } from './backlog/backlog.service';
import type { SensorReading, MeterReading } from './domain/readings.model';
import { StorageReadError, StorageUnavailableError } from './storage.errors';
import { HybridStorageService } from './hybrid-storage.service';
import { resolveSettings } from './hybrid-storage.settings';
import type { SensorMetadata, SensorMetadataStore } from './ports/sensor-metadata-store.port';
import { StoreHealth } from './health/store.health';
import { StorageSyncService } from './sync/storage-sync.service';
import { QuarantineService } from './quarantine/quarantine.service';
import { HybridReader } from './reads/hybrid-reader.service';
import { HybridWriter } from './writes/hybrid-writer.service';
import { ReadingValidationError } from './validation/reading.validation';

const T0 = Date.parse('2026-11-26T10:00:00Z');

function sensor(i: number, id = 'S-1'): SensorReading {
  return { sensorId: id, sensorType: 'voltage', value: 200 + i, unit: 'V', timestamp: new Date(T0 + i * 1000) };
}

function meter(i: number, id = 'M-1'): MeterReading {
  return { meterId: id, customerId: 'C-1', timestamp: new Date(T0 + i * 900_000), energyKwh: 1000 + i };
}

function setup(opts: { useCassandra?: boolean; metadata?: SensorMetadataStore; probeIntervalMs?: number; backoffInitialMs?: number; maxAttempts?: number } = {}) {
  const pg = new InMemoryTimeSeriesStore('postgres');
  const cs = new InMemoryTimeSeriesStore('cassandra');
  const pgBacklog = new InMemoryBacklogStore('postgres', pg);
  const csBacklog = new InMemoryBacklogStore('cassandra', cs);
  const pgQuarantine = new InMemoryQuarantineStore('postgres', pg);
  const csQuarantine = new InMemoryQuarantineStore('cassandra', cs);
  const settings = resolveSettings(opts.useCassandra ?? true, {
    storeTimeoutMs: 1000,
    replay: { enabled: false, entriesPerClaim: 3, backoffInitialMs: opts.backoffInitialMs ?? 60_000, maxAttempts: opts.maxAttempts ?? 8 },
    backlogChunkRows: 2,
  });
  const backlog = new BacklogService([pgBacklog, csBacklog], settings);
  const quarantine = new QuarantineService([pgQuarantine, csQuarantine], [pg, cs], settings);
  const health = new StoreHealth({ downProbeIntervalMs: opts.probeIntervalMs ?? 0 });
  const writer = new HybridWriter([pg, cs], backlog, quarantine, settings, health, opts.metadata ?? null);
  const reader = new HybridReader([pg, cs], backlog, settings, health);
  const service = new HybridStorageService(writer, reader, settings);
  const replayer = new BacklogReplayer([pg, cs], backlog, settings, health, quarantine);
  const sync = new StorageSyncService([pg, cs]);
  return { pg, cs, pgBacklog, csBacklog, pgQuarantine, csQuarantine, quarantine, service, replayer, sync, backlog, health };
}

/** A value PostgreSQL's jsonb would refuse, as the test doubles' refusal predicate. */
const refuseMarked = (r: { value?: number; customerId?: string }) =>
  r.value === -1 || r.customerId === 'C-REFUSED' ? 'SQLSTATE 22P05: unsupported Unicode escape sequence' : null;

describe('HybridStorageService writes', () => {
  it('writes to both stores by default and reports each outcome', async () => {
    const { pg, cs, service } = setup();
    const r = await service.storeSensorDataBatch([sensor(1), sensor(2)]);
    expect(r.targets).toEqual(['postgres', 'cassandra']);
    expect(r.outcomes.postgres).toMatchObject({ ok: true, role: 'target' });
    expect(r.outcomes.cassandra).toMatchObject({ ok: true, role: 'target' });
    expect(typeof r.outcomes.postgres?.latencyMs).toBe('number');
    expect(r.storedIn).toEqual(['postgres', 'cassandra']);
    expect(pg.sensors.size).toBe(2);
    expect(cs.sensors.size).toBe(2);
  });

  it('defaults to PostgreSQL only when USE_CASSANDRA is off', async () => {
    const { pg, cs, service } = setup({ useCassandra: false });
    const r = await service.storeMeterReading(meter(1));
    expect(r.targets).toEqual(['postgres']);
    expect(pg.meters.size).toBe(1);
    expect(cs.meters.size).toBe(0);
  });

  it('honours an explicit target', async () => {
    const { pg, cs, service } = setup();
    await service.storeSensorData(sensor(1), { target: 'cassandra' });
    expect(pg.sensors.size).toBe(0);
    expect(cs.sensors.size).toBe(1);
  });

  it('refuses bad input before writing anything, naming the field', async () => {
    const { pg, cs, service } = setup();
    const bad = [sensor(1), { ...sensor(2), value: Number.NaN }];
    await expect(service.storeSensorDataBatch(bad)).rejects.toMatchObject({ field: 'value', index: 1, reason: 'not_finite' });
    await expect(service.storeSensorData({ ...sensor(1), sensorId: '' })).rejects.toMatchObject({ field: 'sensorId' });
    await expect(service.storeSensorData({ ...sensor(1), timestamp: new Date('1990-01-01T00:00:00Z') })).rejects.toMatchObject({
      field: 'timestamp',
      reason: 'out_of_range',
    });
    await expect(service.storeSensorData(sensor(1), { target: 'mysql' as never })).rejects.toBeInstanceOf(ReadingValidationError);
    await expect(service.storeSensorData(sensor(1), { target: 'mysql' as never })).rejects.toMatchObject({ field: 'target' });
    expect(pg.calls + cs.calls).toBe(0);
  });

  it('keeps one row per natural key within a batch (last wins)', async () => {
    const { pg, service } = setup();
    const r = await service.storeSensorDataBatch([sensor(1), { ...sensor(1), value: 999 }, sensor(2)]);
    expect(r.received).toBe(3);
    expect(r.written).toBe(2);
    expect([...pg.sensors.values()].find((x) => x.timestamp.getTime() === T0 + 1000)?.value).toBe(999);
  });

  it('a failed store gets a backlog entry held by the other store', async () => {
    const { cs, pgBacklog, csBacklog, service } = setup();
    cs.down = 'connection refused';
    const r = await service.storeSensorDataBatch([sensor(1), sensor(2), sensor(3)]);
    expect(r.outcomes.cassandra).toMatchObject({ ok: false, error: 'connection refused' });
    expect(r.storedIn).toEqual(['postgres']);
    expect(r.backlog).toEqual([{ target: 'cassandra', heldIn: 'postgres', entries: 2, rows: 3 }]); // chunks of 2
    expect(pgBacklog.entries).toHaveLength(2);
    expect(csBacklog.entries).toHaveLength(0);
    const status = await service.getBacklogStatus();
    expect(status.targets.cassandra).toMatchObject({ entries: 2, rows: 3 });
    expect(status.oldestAgeMs).not.toBeNull();
  });

  it('a single-target write falls back to the other store', async () => {
    const { pg, cs, pgBacklog, service } = setup();
    cs.down = 'down';
    const r = await service.storeSensorData(sensor(1), { target: 'cassandra' });
    expect(r.outcomes.postgres).toMatchObject({ ok: true, role: 'fallback' });
    expect(r.storedIn).toEqual(['postgres']);
    expect(pg.sensors.size).toBe(1);
    expect(pgBacklog.entries.map((e) => e.target)).toEqual(['cassandra']);
    cs.down = null;
  });

  it('skips a store that just failed (no timeout per write) until a probe or the replayer finds it up', async () => {
    const { cs, service, replayer, health } = setup({ probeIntervalMs: 60_000 });
    cs.down = 'timeout';
    await service.storeSensorData(sensor(1));
    const callsAfterFailure = cs.calls;
    const r = await service.storeSensorData(sensor(2));
    expect(r.outcomes.cassandra).toMatchObject({ ok: false, latencyMs: 0 });
    expect(r.outcomes.cassandra?.error).toMatch(/^skipped: down since .* \(timeout\)$/);
    expect(cs.calls).toBe(callsAfterFailure);
    expect(service.pickReadOrder('auto')).toEqual(['postgres', 'cassandra']);
    cs.down = null;
    await replayer.drainNow(); // pings, marks up, replays
    expect(health.isDown('cassandra')).toBe(false);
    expect((await service.storeSensorData(sensor(3))).storedIn).toEqual(['postgres', 'cassandra']);
    expect(cs.sensors.size).toBe(3);
  });

  it('throws StorageUnavailableError when no store takes the write', async () => {
    const { pg, cs, service } = setup();
    pg.down = 'pg down';
    cs.down = 'cs down';
    await expect(service.storeSensorData(sensor(1))).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('throws StorageUnavailableError when the miss cannot be recorded', async () => {
    const { cs, pgBacklog, service } = setup();
    cs.down = 'cs down';
    pgBacklog.down = 'backlog table locked';
    await expect(service.storeSensorData(sensor(1))).rejects.toThrow(/cassandra missed them/);
  });

  it('records new sensor descriptions once, and reports a metadata failure without failing the write', async () => {
    const seen: SensorMetadata[][] = [];
    let fail = false;
    const metadata: SensorMetadataStore = {
      upsertSensorMetadata: async (items) => {
        if (fail) throw new Error('mongo down');
        seen.push([...items]);
      },
      getSensorMetadata: async () => null,
    };
    const { service } = setup({ metadata });
    const r1 = await service.storeSensorDataBatch([{ ...sensor(1), metadata: { fw: '1' } }, sensor(2, 'S-2')]);
    expect(r1.metadata).toMatchObject({ ok: true });
    const r2 = await service.storeSensorDataBatch([{ ...sensor(3), metadata: { fw: '1' } }]);
    expect(r2.metadata).toBeUndefined(); // nothing new
    fail = true;
    const r3 = await service.storeSensorDataBatch([{ ...sensor(4), metadata: { fw: '2' } }]);
    expect(r3.metadata).toMatchObject({ ok: false, error: 'mongo down' });
    expect(r3.storedIn).toEqual(['postgres', 'cassandra']);
    expect(seen.map((b) => b.map((m) => m.sensorId))).toEqual([['S-1', 'S-2']]);
  });
});

describe('replay', () => {
  it('drains the backlog once the store answers, leaving exactly the missed rows', async () => {
    const { pg, cs, service, replayer, pgBacklog } = setup();
    cs.down = 'down';
    await service.storeSensorDataBatch([1, 2, 3, 4, 5].map((i) => sensor(i)));
    await service.storeMeterReadingBatch([meter(1), meter(2)]);
    expect((await replayer.drainNow()).targets.find((t) => t.target === 'cassandra')?.state).toBe('unhealthy');
    cs.down = null;
    const report = await replayer.drainNow();
    expect(report.targets.find((t) => t.target === 'cassandra')).toMatchObject({ state: 'drained', rows: 7 });
    expect(pgBacklog.entries).toHaveLength(0);
    expect(cs.sensors.size).toBe(5);
    expect(cs.meters.size).toBe(2);
    expect([...cs.sensors.keys()].sort()).toEqual([...pg.sensors.keys()].sort());
    expect((await service.getBacklogStatus()).entries).toBe(0);
  });

  it('a replayed older write does not overwrite a newer one', async () => {
    const { cs, service, replayer } = setup();
    cs.down = 'down';
    await service.storeSensorData({ ...sensor(1), value: 1 });
    cs.down = null;
    await service.storeSensorData({ ...sensor(1), value: 2 });
    await replayer.drainNow();
    expect([...cs.sensors.values()][0]?.value).toBe(2);
  });

  it('a failing entry waits with its own backoff while the entries behind it are replayed', async () => {
    const { cs, service, replayer, pgBacklog } = setup();
    cs.down = 'down';
    await service.storeSensorDataBatch([1, 2, 3, 4, 5, 6].map((i) => sensor(i)));
    expect(pgBacklog.entries).toHaveLength(3);
    cs.down = null;
    const realUpsert = cs.upsertSensorReadings.bind(cs);
    let n = 0;
    cs.upsertSensorReadings = async (rows) => {
      if (++n === 1) throw new Error('write timeout');
      return realUpsert(rows);
    };
    const r = await replayer.drainNow();
    expect(r.targets.find((t) => t.target === 'cassandra')).toMatchObject({ state: 'drained', entries: 2, rows: 4, deferred: 1 });
    expect(pgBacklog.entries).toHaveLength(1);
    expect(pgBacklog.entries[0]).toMatchObject({ attempts: 1, lastError: 'write timeout' });
    expect(pgBacklog.entries[0]!.retryAt!.getTime()).toBeGreaterThan(Date.now());
    expect(cs.sensors.size).toBe(4);
    // Not before its retry time…
    await replayer.drainNow();
    expect(pgBacklog.entries).toHaveLength(1);
    // …then it goes through.
    pgBacklog.entries[0]!.retryAt = new Date(Date.now() - 1);
    await replayer.drainNow();
    expect(pgBacklog.entries).toHaveLength(0);
    expect(cs.sensors.size).toBe(6);
  });

  it('keeps order and counts no attempt when the target itself stops answering', async () => {
    const { cs, service, replayer, pgBacklog } = setup();
    cs.down = 'down';
    await service.storeSensorDataBatch([1, 2, 3, 4].map((i) => sensor(i)));
    cs.down = null;
    const realUpsert = cs.upsertSensorReadings.bind(cs);
    cs.upsertSensorReadings = async (rows) => {
      cs.down = 'connection reset';
      return realUpsert(rows);
    };
    const r = await replayer.drainNow();
    expect(r.targets.find((t) => t.target === 'cassandra')).toMatchObject({ state: 'unhealthy', error: 'connection reset' });
    expect(pgBacklog.entries.map((e) => ({ attempts: e.attempts, retryAt: e.retryAt }))).toEqual([
      { attempts: 0, retryAt: null },
      { attempts: 0, retryAt: null },
    ]);
  });

  it('quarantines the rows a store refuses and replays the rest of the entry and everything behind it', async () => {
    const { pg, cs, service, replayer, csBacklog, csQuarantine, quarantine } = setup();
    pg.down = 'down';
    const readings = [1, 2, 3, 4, 5, 6, 7].map((i) => sensor(i));
    readings[1] = { ...readings[1]!, value: -1 };
    await service.storeSensorDataBatch(readings);
    expect(csBacklog.entries).toHaveLength(4);
    pg.down = null;
    pg.refuse = refuseMarked;
    const r = await replayer.drainNow();
    expect(r.targets.find((t) => t.target === 'postgres')).toMatchObject({ state: 'drained', entries: 4, rows: 6, quarantinedRows: 1, deferred: 0 });
    expect(csBacklog.entries).toHaveLength(0);
    expect(pg.sensors.size).toBe(6);
    expect(csQuarantine.rows().map((x) => (x as SensorReading).value)).toEqual([-1]);
    const status = await quarantine.status();
    expect(status).toMatchObject({ entries: 1, rows: 1, targets: { postgres: { entries: 1, rows: 1 } } });
    expect(csQuarantine.entries[0]).toMatchObject({ target: 'postgres', reason: 'SQLSTATE 22P05: unsupported Unicode escape sequence', attempts: 1 });
    expect(cs.sensors.size).toBe(7);
  });

  it('sets an entry aside after maxAttempts failures while the store answers', async () => {
    const { cs, service, replayer, pgBacklog, pgQuarantine } = setup({ backoffInitialMs: 0, maxAttempts: 3 });
    cs.down = 'down';
    await service.storeMeterReadingBatch([meter(1)]);
    cs.down = null;
    cs.upsertMeterReadings = async () => {
      throw new Error('WriteFailure: mutation too large');
    };
    const r = await replayer.drainNow();
    expect(r.targets.find((t) => t.target === 'cassandra')).toMatchObject({ state: 'drained', deferred: 2 });
    expect(pgBacklog.entries).toHaveLength(0);
    expect(pgQuarantine.entries).toHaveLength(1);
    expect(pgQuarantine.entries[0]).toMatchObject({ target: 'cassandra', attempts: 3, reason: 'gave up after 3 attempts: WriteFailure: mutation too large' });
  });
});

describe('refused rows on the write path', () => {
  it('writes the rest of the batch and quarantines a row one store refuses, held by the store that took it', async () => {
    const { pg, cs, service, csQuarantine, health } = setup();
    pg.refuse = refuseMarked;
    const r = await service.storeSensorDataBatch([sensor(1), { ...sensor(2), value: -1 }, sensor(3)]);
    expect(r.outcomes.postgres).toMatchObject({ ok: true, refusedRows: 1 });
    expect(r.storedIn).toEqual(['postgres', 'cassandra']);
    expect(r.backlog).toEqual([]);
    expect(r.quarantined).toEqual([{ target: 'postgres', heldIn: 'cassandra', rows: 1, reason: expect.stringContaining('22P05') }]);
    expect(r.refused).toEqual([]);
    expect(pg.sensors.size).toBe(2);
    expect(cs.sensors.size).toBe(3);
    expect(csQuarantine.entries).toHaveLength(1);
    // A refusal is not an outage: the store is not skipped afterwards.
    expect(health.isDown('postgres')).toBe(false);
  });

  it('reports readings every store refuses (durable nowhere) for the caller to dead-letter', async () => {
    const { pg, cs, service } = setup();
    pg.refuse = refuseMarked;
    cs.refuse = refuseMarked;
    const r = await service.storeMeterReadingBatch([meter(1), { ...meter(2), customerId: 'C-REFUSED' }]);
    expect(r.refused).toEqual([{ id: 'M-1', timestamp: meter(2).timestamp, reasons: { postgres: expect.any(String), cassandra: expect.any(String) } }]);
    expect(r.quarantined).toEqual([]);
    expect(pg.meters.size).toBe(1);
    expect(cs.meters.size).toBe(1);
  });

  it('retries the whole write later when a refused row has no other store up to hold it', async () => {
    const { pg, cs, service } = setup();
    pg.refuse = refuseMarked;
    cs.down = 'down';
    await expect(service.storeSensorDataBatch([sensor(1), { ...sensor(2), value: -1 }])).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('a single-target write sends refused rows to the other store and quarantines them for the target', async () => {
    const { pg, cs, service, csQuarantine } = setup({ useCassandra: false });
    pg.refuse = refuseMarked;
    const r = await service.storeSensorDataBatch([sensor(1), { ...sensor(2), value: -1 }]);
    expect(r.outcomes.cassandra).toMatchObject({ ok: true, role: 'fallback' });
    expect(r.quarantined).toEqual([expect.objectContaining({ target: 'postgres', heldIn: 'cassandra', rows: 1 })]);
    expect(pg.sensors.size).toBe(1);
    expect(cs.sensors.size).toBe(1);
    expect(csQuarantine.entries).toHaveLength(1);
  });
});

describe('QuarantineService', () => {
  async function withOneEntry() {
    const ctx = setup();
    ctx.pg.refuse = refuseMarked;
    await ctx.service.storeSensorDataBatch([sensor(1), { ...sensor(2), value: -1 }, { ...sensor(3), value: -1 }]);
    return ctx;
  }

  it('lists entries with a public id, target, holder, reason and a sample, page by page', async () => {
    const { quarantine, service } = await withOneEntry();
    await service.storeSensorDataBatch([{ ...sensor(4), value: -1 }]);
    const first = await quarantine.list({ limit: 1 });
    expect(first.items).toEqual([
      expect.objectContaining({ id: 'cassandra.1', target: 'postgres', heldIn: 'cassandra', kind: 'sensor', rowCount: 2, retries: 0, sample: [{ id: 'S-1', timestamp: sensor(2).timestamp }, { id: 'S-1', timestamp: sensor(3).timestamp }] }),
    ]);
    const second = await quarantine.list({ limit: 1, cursor: first.nextCursor });
    expect(second.items.map((i) => i.id)).toEqual(['cassandra.2']);
    expect(second.nextCursor).toBeNull();
    await expect(quarantine.list({ limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(ReadingValidationError);
  });

  it('a retry the store still refuses keeps the entry and counts it; once it takes the rows the entry is gone', async () => {
    const { pg, quarantine, csQuarantine } = await withOneEntry();
    const refused = await quarantine.retry('cassandra.1');
    expect(refused).toMatchObject({ state: 'refused', refusedRows: 2, item: { retries: 1 } });
    expect(csQuarantine.entries[0]).toMatchObject({ retries: 1, lastError: expect.stringContaining('22P05') });
    pg.refuse = null;
    const replayed = await quarantine.retry('cassandra.1');
    expect(replayed.state).toBe('replayed');
    expect(csQuarantine.entries).toHaveLength(0);
    expect([...pg.sensors.values()].map((r) => r.value).sort()).toEqual([-1, -1, 201]);
  });

  it('a retry while the target is down reports it unavailable and keeps the entry', async () => {
    const { pg, quarantine, csQuarantine } = await withOneEntry();
    pg.down = 'connect ECONNREFUSED';
    expect(await quarantine.retry('cassandra.1')).toMatchObject({ state: 'unavailable', error: 'connect ECONNREFUSED' });
    expect(csQuarantine.entries).toHaveLength(1);
  });

  it('discards an entry, and a second discard or an unknown id is not found', async () => {
    const { quarantine, csQuarantine } = await withOneEntry();
    expect(await quarantine.discard('cassandra.1')).toMatchObject({ id: 'cassandra.1', rowCount: 2 });
    expect(csQuarantine.entries).toHaveLength(0);
    await expect(quarantine.discard('cassandra.1')).rejects.toThrow('no quarantine entry cassandra.1');
    await expect(quarantine.get('nowhere.7')).rejects.toThrow('no quarantine entry nowhere.7');
  });
});

describe('pages and streams', () => {
  it('walks a range page by page from one store, every row exactly once, newest first', async () => {
    const { service } = setup();
    await service.storeSensorDataBatch(Array.from({ length: 25 }, (_, i) => sensor(i)));
    const range = { from: T0, to: T0 + 3_600_000 };
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof service.getSensorPage>> = await service.getSensorPage('S-1', { ...range, limit: 10, cursor });
      expect(page.source).toBe('cassandra');
      seen.push(...page.records.map((r) => r.timestamp.getTime()));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => T0 + (24 - i) * 1000));
  });

  it('a cursor pins the store the walk started in, even for auto', async () => {
    const { service, cs } = setup();
    await service.storeSensorDataBatch(Array.from({ length: 4 }, (_, i) => sensor(i)));
    const first = await service.getSensorPage('S-1', { from: T0, to: T0 + 60_000, limit: 2 });
    cs.down = 'down';
    await expect(service.getSensorPage('S-1', { from: T0, to: T0 + 60_000, limit: 2, cursor: first.nextCursor })).rejects.toBeInstanceOf(StorageReadError);
  });

  it('refuses a cursor it did not hand out for this series, naming the field', async () => {
    const { service } = setup();
    await service.storeSensorDataBatch([sensor(1), sensor(2)]);
    const first = await service.getSensorPage('S-1', { from: T0, to: T0 + 60_000, limit: 1 });
    await expect(service.getSensorPage('S-2', { from: T0, to: T0 + 60_000, limit: 1, cursor: first.nextCursor })).rejects.toMatchObject({ field: 'cursor' });
    await expect(service.getMeterPage('S-1', { cursor: 'bm9wZQ' })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('streams a whole range in pages, and stops querying when the consumer stops', async () => {
    const { service, cs } = setup();
    await service.storeMeterReadingBatch(Array.from({ length: 12 }, (_, i) => meter(i)));
    const pages: number[] = [];
    for await (const page of service.streamMeterReadings('M-1', { from: T0, to: T0 + 86_400_000 })) pages.push(page.length);
    expect(pages).toEqual([12]);
    const before = cs.calls;
    const it = service.streamMeterReadings('M-1', { from: T0, to: T0 + 86_400_000 });
    await it.next();
    await it.return(undefined);
    expect(cs.calls - before).toBe(1);
  });
});

describe('reads', () => {
  it('tags records with their source and prefers Cassandra when it is a write target', async () => {
    const { service } = setup();
    await service.storeSensorDataBatch([sensor(1), sensor(2), sensor(3)]);
    const r = await service.getSensorData('S-1', { from: new Date(T0), to: new Date(T0 + 10_000), limit: 2 });
    expect(r.source).toBe('cassandra');
    expect(r.records.map((x) => [x.value, x.source])).toEqual([
      [203, 'cassandra'],
      [202, 'cassandra'],
    ]);
    const p = await service.getSensorData('S-1', { from: T0, to: T0 + 10_000, source: 'postgres' });
    expect(p.records.every((x) => x.source === 'postgres')).toBe(true);
    expect(p.records).toHaveLength(3);
  });

  it('auto falls back to PostgreSQL when Cassandra fails', async () => {
    const { cs, service } = setup();
    await service.storeMeterReadingBatch([meter(1), meter(2)]);
    cs.down = 'down';
    const r = await service.getMeterReadings('M-1', { from: T0, to: T0 + 86_400_000 });
    expect(r.source).toBe('postgres');
    expect(r.failed).toEqual([{ store: 'cassandra', error: 'down' }]);
    expect(r.records).toHaveLength(2);
    await expect(service.getMeterReadings('M-1', { source: 'cassandra' })).rejects.toBeInstanceOf(StorageReadError);
  });

  it('auto reads the store that is not behind', async () => {
    const { cs, service } = setup();
    cs.down = 'down';
    await service.storeSensorData(sensor(1));
    cs.down = null;
    expect(service.pickReadOrder('auto')).toEqual(['postgres', 'cassandra']);
  });

  it('validates read options, naming the field', async () => {
    const { service } = setup();
    await expect(service.getSensorData('')).rejects.toMatchObject({ field: 'sensorId' });
    await expect(service.getSensorData('S', { source: 'mongo' as never })).rejects.toMatchObject({ field: 'source' });
    await expect(service.getSensorData('S', { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await expect(service.getSensorData('S', { from: 'garbage' })).rejects.toMatchObject({ field: 'from' });
    await expect(service.getSensorData('S', { from: T0 + 1, to: T0 })).rejects.toMatchObject({ field: 'from' });
  });
});

describe('reconcile and backfill', () => {
  it('reports per series/day counts and checksums, finds differences and repairs them', async () => {
    const { pg, cs, service, sync } = setup();
    await service.storeSensorDataBatch([1, 2, 3].map((i) => sensor(i)));
    await service.storeMeterReadingBatch([meter(1)]);
    const from = new Date(T0 - 3_600_000);
    const to = new Date(T0 + 86_400_000);
    const clean = await sync.reconcile({ from, to });
    expect(clean.totals).toMatchObject({ units: 2, outOfSync: 0, rows: { postgres: 4, cassandra: 4 } });
    expect(clean.units[0]?.postgres.checksum).toBe(clean.units[0]?.cassandra.checksum);

    cs.sensors.delete(`S-1|${T0 + 2000}`);
    const pgRow = pg.sensors.get(`S-1|${T0 + 3000}`)!;
    pg.sensors.set(`S-1|${T0 + 3000}`, { ...pgRow, value: -1, writtenAtUs: pgRow.writtenAtUs - 5 });
    const dirty = await sync.reconcile({ from, to, kinds: ['sensor'] });
    expect(dirty.totals).toMatchObject({ outOfSync: 1, missingIn: { cassandra: 1, postgres: 0 }, mismatched: 1 });
    expect(dirty.units[0]?.samples?.missingInCassandra).toEqual([new Date(T0 + 2000).toISOString()]);
    expect(dirty.units[0]?.postgres.checksum).not.toBe(dirty.units[0]?.cassandra.checksum);

    const repaired = await sync.reconcile({ from, to, kinds: ['sensor'], repair: true });
    expect(repaired.units[0]?.repaired).toEqual({ postgres: 1, cassandra: 1, deletionsApplied: 0, verified: true });
    expect(pg.sensors.get(`S-1|${T0 + 3000}`)?.value).toBe(203); // the newer write won
    expect((await sync.reconcile({ from, to })).totals.outOfSync).toBe(0);
  });

  it('backfills a range from one store into the other', async () => {
    const { cs, service, sync } = setup();
    await service.storeSensorDataBatch([sensor(1), sensor(2, 'S-2')], { target: 'postgres' });
    const progress: string[] = [];
    const r = await sync.backfill({
      from: new Date(T0),
      to: new Date(T0 + 3_600_000),
      source: 'postgres',
      target: 'cassandra',
      kinds: ['sensor'],
      onProgress: (p) => p.phase === 'backfill' && progress.push(`${p.done}/${p.total}`),
    });
    expect(r.kinds).toEqual([{ kind: 'sensor', from: new Date(T0), ids: 2, units: 2, rows: 2, skippedDeleted: 0 }]);
    expect(progress).toEqual(['1/2', '2/2']);
    expect(cs.sensors.size).toBe(2);
  });
});

describe('deletion by range and retention (doubles)', () => {
  it('a store that is down gets the deletion as a backlog entry; replay applies it and an older replayed write stays gone', async () => {
    const { pg, cs, pgBacklog, service, replayer } = setup();
    await service.storeSensorDataBatch([sensor(1), sensor(2), sensor(3)]);
    const older = await pg.querySensorReadings({ id: 'S-1', from: new Date(T0), to: new Date(T0 + 10_000) });
    cs.down = 'connection refused';
    const r = await service.deleteSensorReadings('S-1', new Date(T0 + 1500), new Date(T0 + 10_000));
    expect(r.appliedIn).toEqual(['postgres']);
    expect(r.removed).toEqual({ postgres: 2 });
    expect(r.backlog).toEqual([expect.objectContaining({ target: 'cassandra', heldIn: 'postgres', entries: 1, rows: 1 })]);
    expect(pgBacklog.entries[0]).toMatchObject({ kind: 'deletion', rows: [expect.objectContaining({ kind: 'sensor', id: 'S-1', deletedAtUs: r.deletion.deletedAtUs })] });
    // An older write of a deleted row, replayed later into PostgreSQL, is shadowed.
    await pg.upsertSensorReadings(older);
    expect(pg.sensors.size).toBe(1);
    cs.down = null;
    await replayer.drainNow();
    expect(pgBacklog.entries).toHaveLength(0);
    expect([...cs.sensors.keys()]).toEqual([`S-1|${T0 + 1000}`]);
  });

  it('refuses a deletion no store can apply, and an empty range', async () => {
    const { pg, cs, service } = setup();
    pg.down = 'down';
    cs.down = 'down';
    await expect(service.deleteMeterReadings('M-1', new Date(T0), new Date(T0 + 1))).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(service.deleteMeterReadings('M-1', new Date(T0), new Date(T0))).rejects.toBeInstanceOf(ReadingValidationError);
  });

  it('reconcile reports rows a deletion covers but a store still holds, and repair applies the deletion instead of copying them', async () => {
    const { pg, cs, service, sync } = setup();
    await service.storeSensorDataBatch([sensor(1), sensor(2)]);
    cs.down = 'down';
    await service.deleteSensorReadings('S-1', new Date(T0), new Date(T0 + 1500));
    cs.down = null;
    const from = new Date(T0 - 3_600_000);
    const to = new Date(T0 + 3_600_000);
    const report = await sync.reconcile({ from, to, kinds: ['sensor'] });
    expect(report.totals).toMatchObject({ missingIn: { postgres: 0, cassandra: 0 }, deletedPending: { postgres: 0, cassandra: 1 }, outOfSync: 1 });
    const repaired = await sync.reconcile({ from, to, kinds: ['sensor'], repair: true });
    expect(repaired.units[0]?.repaired).toMatchObject({ postgres: 0, cassandra: 0, deletionsApplied: 1, verified: true });
    expect(pg.sensors.has(`S-1|${T0 + 1000}`)).toBe(false);
    expect(cs.sensors.has(`S-1|${T0 + 1000}`)).toBe(false);
  });

  it('writes nothing past retention and reports it; replay drops rows that went past it while waiting', async () => {
    const pg = new InMemoryTimeSeriesStore('postgres');
    const cs = new InMemoryTimeSeriesStore('cassandra');
    const pgBacklog = new InMemoryBacklogStore('postgres', pg);
    const settings = resolveSettings(true, { replay: { enabled: false }, retention: { sensorDays: 30, meterDays: 0, aggregatesDays: 0 } });
    const backlog = new BacklogService([pgBacklog, new InMemoryBacklogStore('cassandra', cs)], settings);
    const quarantine = new QuarantineService([], [pg, cs], settings);
    const health = new StoreHealth({ downProbeIntervalMs: 0 });
    const writer = new HybridWriter([pg, cs], backlog, quarantine, settings, health, null);
    const now = Date.now();
    const r = await writer.storeSensorDataBatch([
      { sensorId: 'R-1', sensorType: 'v', value: 1, timestamp: new Date(now - 31 * 86_400_000) },
      { sensorId: 'R-1', sensorType: 'v', value: 2, timestamp: new Date(now - 29 * 86_400_000) },
    ]);
    expect(r).toMatchObject({ received: 2, written: 1, expired: 1 });
    expect(pg.sensors.size).toBe(1);
    await pgBacklog.append([{ kind: 'sensor', target: 'cassandra', reason: 't', rows: [{ sensorId: 'R-2', sensorType: 'v', value: 1, timestamp: new Date(now - 40 * 86_400_000), writtenAtUs: now * 1000 }] }]);
    await new BacklogReplayer([pg, cs], backlog, settings, health, quarantine).drainNow();
    expect(pgBacklog.entries).toHaveLength(0);
    expect(cs.sensors.size).toBe(1); // only R-1's reading, from the write above
  });

  it('backfill copies neither rows past retention nor rows a deletion covers that the source still holds', async () => {
    const pg = new InMemoryTimeSeriesStore('postgres');
    const cs = new InMemoryTimeSeriesStore('cassandra');
    const settings = resolveSettings(true, { retention: { sensorDays: 30, meterDays: 0, aggregatesDays: 0 } });
    const sync = new StorageSyncService([pg, cs], settings);
    const now = Date.now();
    const day = 86_400_000;
    const stamp = now * 1000;
    // PostgreSQL still holds a row past retention (its partition goes whole, later) and rows a
    // deletion Cassandra applied has not reached it yet.
    await pg.upsertSensorReadings([
      { sensorId: 'B-1', sensorType: 'v', value: 1, timestamp: new Date(now - 35 * day), writtenAtUs: stamp - 10 },
      { sensorId: 'B-1', sensorType: 'v', value: 2, timestamp: new Date(now - 5 * day), writtenAtUs: stamp - 10 },
      { sensorId: 'B-1', sensorType: 'v', value: 3, timestamp: new Date(now - 4 * day), writtenAtUs: stamp - 10 },
    ]);
    await cs.deleteRange({ kind: 'sensor', id: 'B-1', from: new Date(now - 4.5 * day), to: new Date(now - 3 * day), deletedAtUs: stamp });
    const r = await sync.backfill({ from: new Date(now - 60 * day), to: new Date(now), source: 'postgres', target: 'cassandra', kinds: ['sensor'] });
    expect(r.kinds[0]!.from.getTime()).toBeGreaterThan(now - 30 * day);
    expect(r.kinds[0]).toMatchObject({ rows: 1, skippedDeleted: 1 });
    expect([...cs.sensors.values()].map((x) => x.value)).toEqual([2]);
  });
});
