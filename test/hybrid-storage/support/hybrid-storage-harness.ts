import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CASSANDRA_CLIENT } from '@smartgrid/cassandra';
import { BacklogReplayer, HybridStorageService, HybridStorageSettingsOverrides, MeterReading, SensorReading, StorageSyncService } from '@smartgrid/hybrid-storage';
import { ensureServersUp, setupTestStack, TestStack } from '@smartgrid/testing';
import { Client } from 'cassandra-driver';
import { DataSource } from 'typeorm';
import { timeseriesStorageImports } from '../../support/timeseries-storage.wiring';

export interface Harness {
  stack: TestStack;
  ctx: INestApplicationContext;
  storage: HybridStorageService;
  sync: StorageSyncService;
  replayer: BacklogReplayer;
  dataSource: DataSource;
  cassandra: Client;
  close(): Promise<void>;
}

/**
 * Boots the storage stack as the data-processing app wires it (config, the three store
 * modules with this feature's migrations, adapters, HybridStorageModule) against a PostgreSQL
 * database, Cassandra keyspace and MongoDB database owned by the calling test file.
 */
export async function startHarness(settings: HybridStorageSettingsOverrides = {}, env: Record<string, string> = {}): Promise<Harness> {
  // Another file's fault test may have a server stopped right now: wait for it to be back.
  ensureServersUp('postgres', 'cassandra', 'ferretdb');
  const stack = await setupTestStack(env);
  Object.assign(process.env, stack.env);
  let ctx: INestApplicationContext;
  try {
    const moduleRef = await Test.createTestingModule({
      imports: timeseriesStorageImports({ settings: { storeTimeoutMs: 10_000, ...settings }, mongo: true }),
    }).compile();
    moduleRef.useLogger(['error']);
    ctx = await moduleRef.init();
  } catch (err) {
    await stack.cleanup().catch(() => undefined);
    throw err;
  }
  return {
    stack,
    ctx,
    storage: ctx.get(HybridStorageService),
    sync: ctx.get(StorageSyncService),
    replayer: ctx.get(BacklogReplayer),
    dataSource: ctx.get(DataSource),
    cassandra: ctx.get<Client>(CASSANDRA_CLIENT),
    async close() {
      await ctx.close();
      await stack.cleanup();
    },
  };
}

/**
 * For a test that stops a store mid-run: writes give up on the stopped store within seconds,
 * and the replayer runs every half second, so the store converges on its own once it is back.
 */
export const OUTAGE_SETTINGS: HybridStorageSettingsOverrides = { storeTimeoutMs: 8000, replay: { enabled: true, intervalMs: 500 } };

export const BASE = Date.parse('2026-01-15T00:00:00Z');

/** `n` readings for each of `series` series, series after series: `make(series index, reading index)`. */
function perSeries<T>(series: number, n: number, make: (s: number, i: number) => T): T[] {
  const out: T[] = [];
  for (let s = 0; s < series; s++) {
    for (let i = 0; i < n; i++) out.push(make(s, i));
  }
  return out;
}

/** `n` readings for each of `sensors` sensors, one a minute from `start`. */
export function sensorBatch(sensors: number, n: number, start = BASE, prefix = 'S'): SensorReading[] {
  return perSeries<SensorReading>(sensors, n, (s, i) => ({
    sensorId: `${prefix}-${s}`,
    sensorType: 'voltage',
    value: 220 + s + i / 1000,
    unit: 'V',
    timestamp: new Date(start + i * 60_000),
  }));
}

/** `n` readings for each of `meters` meters, one every 15 minutes from `start`. */
export function meterBatch(meters: number, n: number, start = BASE, prefix = 'M'): MeterReading[] {
  return perSeries<MeterReading>(meters, n, (m, i) => ({
    meterId: `${prefix}-${m}`,
    customerId: `C-${m % 3}`,
    timestamp: new Date(start + i * 900_000),
    energyKwh: 1000 + m * 10 + i * 0.25,
    powerKw: 1 + i / 100,
    voltage: 230,
  }));
}

/** Exact row counts, read from the tables directly (not through the service). */
export async function pgCount(h: Harness, table: 'sensor_data' | 'meter_readings', idPrefix: string): Promise<number> {
  const col = table === 'sensor_data' ? 'sensor_id' : 'meter_id';
  const rows: { n: string }[] = await h.dataSource.query(`SELECT count(*) AS n FROM ${table} WHERE ${col} LIKE $1`, [`${idPrefix}%`]);
  return Number(rows[0]!.n);
}

/** Row count of one sensor's (or meter's) partitions in Cassandra over the given buckets. */
export async function cassandraCount(h: Harness, kind: 'sensor' | 'meter', ids: string[], buckets: (string | number)[]): Promise<number> {
  const cql =
    kind === 'sensor'
      ? 'SELECT COUNT(*) AS n FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ?'
      : 'SELECT COUNT(*) AS n FROM meter_readings_by_month WHERE meter_id = ? AND month = ?';
  let total = 0;
  for (const id of ids) {
    for (const b of buckets) {
      const rs = await h.cassandra.execute(cql, [id, b], { prepare: true });
      total += Number(rs.first()?.get('n') ?? 0);
    }
  }
  return total;
}
