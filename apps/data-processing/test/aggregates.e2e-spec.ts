import { Logger } from '@nestjs/common';
import { dedupeByKey, MeterReading, SensorReading, Stamped } from '@smartgrid/hybrid-storage';
import {
  aggregatesMigrations,
  foundationMigrations,
  PostgresConnection,
  PostgresTimeSeriesStore,
  runMigrationsLocked,
  timeseriesMigrations,
} from '@smartgrid/postgres';
import { createTestDatabase, TestDatabase } from '@smartgrid/testing';
import { DataSource } from 'typeorm';
import { createRandom } from '../src/feed/fleet.simulator';
import { dailyConsumption, RegisterReading } from './support/consumption-oracle';

/**
 * The aggregate triggers against PostgreSQL through the real PostgreSQL adapter, with readings
 * arriving shuffled, in random batches, redelivered, corrected and written concurrently.
 */
describe('aggregate triggers (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresTimeSeriesStore;
  let stamp = Date.now() * 1000;
  // One stamp per batch, duplicates within a batch removed: what HybridStorageService hands a store.
  const sensorBatch = (rows: SensorReading[]): Stamped<SensorReading>[] => {
    const writtenAtUs = ++stamp;
    return dedupeByKey('sensor', rows).map((r) => ({ ...r, writtenAtUs }));
  };
  const meterBatch = (rows: MeterReading[]): Stamped<MeterReading>[] => {
    const writtenAtUs = ++stamp;
    return dedupeByKey('meter', rows).map((r) => ({ ...r, writtenAtUs }));
  };

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']);
    db = await createTestDatabase();
    ds = new DataSource({
      type: 'postgres',
      host: db.env.POSTGRES_HOST,
      port: Number(db.env.POSTGRES_PORT),
      username: db.env.POSTGRES_USER,
      password: db.env.POSTGRES_PASSWORD,
      database: db.name,
      migrations: [...foundationMigrations, ...timeseriesMigrations, ...aggregatesMigrations],
      migrationsTableName: 'migrations',
      poolSize: 6,
    });
    await ds.initialize();
    await runMigrationsLocked(ds);
    store = new PostgresTimeSeriesStore(ds, new PostgresConnection(ds));
    await store.onModuleInit();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  function shuffle<T>(items: T[], rand: () => number): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  function batches<T>(items: T[], rand: () => number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; ) {
      const n = 1 + Math.floor(rand() * 40);
      out.push(items.slice(i, i + n));
      i += n;
    }
    return out;
  }

  it('consumption matches the reference model under shuffled, redelivered and concurrent writes', async () => {
    const rand = createRandom(42);
    const start = Date.parse('2026-05-01T00:00:00Z');
    const meters = ['M-A', 'M-B', 'M-C'];
    const truth = new Map<string, RegisterReading[]>();
    const all: MeterReading[] = [];
    for (const id of meters) {
      const rows: RegisterReading[] = [];
      let kwh = 500 * rand();
      let ts = start;
      while (rows.length < 150) {
        // Irregular cadence with the odd long gap, and a register reset now and then.
        ts += rand() < 0.05 ? Math.floor(rand() * 3 * 86_400_000) : 900_000 + Math.floor(rand() * 3_600_000);
        kwh = rand() < 0.02 ? rand() * 5 : kwh + rand() * 2;
        rows.push({ ts, kwh: Math.round(kwh * 1000) / 1000 });
      }
      truth.set(id, rows);
      for (const r of rows) all.push({ meterId: id, customerId: 'C-X', timestamp: new Date(r.ts), energyKwh: r.kwh });
    }
    // Shuffled batches, two writers at once (as the consumer and the backlog replayer may be),
    // plus a redelivery of a third of them.
    const work = batches(shuffle([...all, ...all.slice(0, 150)], rand), rand);
    await Promise.all(
      [0, 1].map(async (w) => {
        for (let i = w; i < work.length; i += 2) await store.upsertMeterReadings(meterBatch(work[i]));
      }),
    );

    const rows = await ds.query(
      `SELECT meter_id, to_char(day, 'YYYY-MM-DD') AS day, consumption_kwh, register_resets, readings FROM consumption_aggregates ORDER BY 1, 2`,
    );
    for (const id of meters) {
      const expected = dailyConsumption(truth.get(id)!);
      const got = rows.filter((r: { meter_id: string }) => r.meter_id === id);
      expect(got.map((r: { day: string }) => r.day)).toEqual([...expected.keys()].sort());
      for (const r of got) {
        const e = expected.get(r.day)!;
        expect(r.consumption_kwh).toBeCloseTo(e.kwh, 6);
        expect(r.register_resets).toBe(e.resets);
        expect(r.readings).toBe(e.readings);
      }
    }

    // A newer write that corrects a register value is reflected too.
    const fixed = truth.get('M-A')![40];
    fixed.kwh += 10;
    await store.upsertMeterReadings(meterBatch([{ meterId: 'M-A', customerId: 'C-X', timestamp: new Date(fixed.ts), energyKwh: fixed.kwh }]));
    const after = await ds.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, consumption_kwh FROM consumption_aggregates WHERE meter_id = 'M-A' ORDER BY 1`);
    const expected = dailyConsumption(truth.get('M-A')!);
    for (const r of after) expect(r.consumption_kwh).toBeCloseTo(expected.get(r.day)!.kwh, 6);
  });

  it('sensor aggregates count every reading once and follow value corrections', async () => {
    const rand = createRandom(7);
    const start = Date.parse('2026-05-02T22:00:00Z');
    const readings: SensorReading[] = [];
    for (const id of ['S-A', 'S-B']) {
      for (let i = 0; i < 300; i++) {
        readings.push({ sensorId: id, sensorType: 'voltage', value: Math.round(rand() * 1000) / 10, timestamp: new Date(start + i * 60_000) });
      }
    }
    const work = batches(shuffle([...readings, ...readings.slice(100, 250)], rand), rand);
    // Month partition made up front: concurrent first writes into a new month race in
    // ensure_sensor_data_partition (reported to hybrid-storage), which is not what this tests.
    await ds.query(`SELECT ensure_sensor_data_partition($1)`, [new Date(start).toISOString()]);
    await Promise.all(
      [0, 1].map(async (w) => {
        for (let i = w; i < work.length; i += 2) await store.upsertSensorReadings(sensorBatch(work[i]));
      }),
    );
    // Correct three values with newer writes, in one statement with new readings.
    const corrected = [readings[5], readings[65], readings[400]].map((r) => ({ ...r, value: r.value + 100 }));
    for (const c of corrected) readings[readings.findIndex((r) => r.sensorId === c.sensorId && r.timestamp.getTime() === c.timestamp.getTime())] = c;
    const extra = { sensorId: 'S-A', sensorType: 'voltage', value: 1, timestamp: new Date(start + 300 * 60_000) };
    readings.push(extra);
    await store.upsertSensorReadings(sensorBatch([...corrected, extra]));

    const rows: { sensor_id: string; bucket_interval: string; bucket_start: Date; count: string; min: number; max: number; sum: number; avg: number }[] =
      await ds.query('SELECT * FROM sensor_aggregates ORDER BY 1, 2, 3');
    const expected = new Map<string, number[]>();
    for (const r of readings) {
      for (const [interval, size] of [['5m', 300_000], ['hour', 3_600_000], ['day', 86_400_000]] as const) {
        const key = `${r.sensorId}|${interval}|${Math.floor(r.timestamp.getTime() / size) * size}`;
        expected.set(key, [...(expected.get(key) ?? []), r.value]);
      }
    }
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const values = expected.get(`${row.sensor_id}|${row.bucket_interval}|${new Date(row.bucket_start).getTime()}`)!;
      expect(Number(row.count)).toBe(values.length);
      expect(row.min).toBe(Math.min(...values));
      expect(row.max).toBe(Math.max(...values));
      expect(row.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
      expect(row.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    }
  });
});
