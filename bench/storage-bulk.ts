/**
 * Bulk write throughput of the hybrid storage path against its baselines, in one run on the
 * local stack:
 *
 *   hybrid both        HybridStorageService.storeSensorDataBatch, target both (what ingest does);
 *                      also with several batches in flight (--writers)
 *   hybrid postgres    … target postgres only
 *   hybrid cassandra   … target cassandra only
 *   raw pg bulk        pg driver alone: one INSERT … SELECT unnest(…) ON CONFLICT per batch
 *   raw cassandra bulk cassandra-driver alone: prepared INSERTs via executeConcurrent
 *   naive              one awaited INSERT and one awaited CQL write per reading (measured on a
 *                      sample, extrapolated; the output says so)
 *
 * With --drain it then stops Cassandra for real (infra/local/stack down cassandra), writes
 * through the hybrid path so the misses pile up in the PostgreSQL-held backlog, starts
 * Cassandra again and measures how fast the replayer drains the backlog.
 *
 *   npm run bench:storage -- [--readings 100000] [--batch 1000] [--sensors 1000] [--writers 4] [--naive 2000] [--drain 50000 [--outage 0]]
 *                            [--modes raw-cassandra,hybrid,...]   (only those modes; ids in MODES)
 *
 * Uses its own PostgreSQL database, Cassandra keyspace and MongoDB database (dropped at the end).
 */
import 'reflect-metadata';
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { join, resolve } from 'path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { CASSANDRA_CLIENT } from '@smartgrid/cassandra';
import { BacklogReplayer, BacklogService, HybridStorageService, SensorReading, WriteTarget } from '@smartgrid/hybrid-storage';
import { Client as CassandraClient, concurrent } from 'cassandra-driver';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { timeseriesStorageImports } from '../test/support/timeseries-storage.wiring';
import { Client as PgClient, Pool } from 'pg';
import { nonNegativeInteger, numberOptions } from './support/bench.args';

interface Options {
  readings: number;
  /** With --drain: also stop Cassandra for real (1, default) or only time the warm drain (0). */
  outage: number;
  writers: number;
  rounds: number;
  batch: number;
  sensors: number;
  naive: number;
  drain: number;
  /** Comma-separated mode ids (see MODES); all by default. */
  modes?: string;
}

function parseOptions(argv: string[]): Options {
  // --modes takes a list of ids; every other option a number.
  const at = argv.indexOf('--modes');
  const numeric = at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 2)];
  const defaults: Omit<Options, 'modes'> = { readings: 100_000, outage: 1, writers: 4, rounds: 2, batch: 1000, sensors: 1000, naive: 2000, drain: 0 };
  const o: Options = numberOptions(numeric, defaults, nonNegativeInteger);
  if (at >= 0) o.modes = argv[at + 1];
  return o;
}

/** Runs compiled, from dist/bench/. */
const ROOT = resolve(__dirname, '../..');
const STACK = join(ROOT, 'infra/local/stack');

function stack(...args: string[]): void {
  const res = spawnSync(STACK, args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (res.status !== 0) throw new Error(`infra/local/stack ${args.join(' ')} failed:\n${res.stdout}${res.stderr}`);
}

const env = (name: string, fallback: string): string => process.env[name] || fallback;
const START = Date.parse('2026-02-01T00:00:00Z');

/** `readings` readings spread over `sensors` sensors, one a second per sensor. */
function makeReadings(prefix: string, readings: number, sensors: number): SensorReading[] {
  const perSensor = Math.ceil(readings / sensors);
  const out: SensorReading[] = [];
  for (let i = 0; i < perSensor && out.length < readings; i++) {
    for (let s = 0; s < sensors && out.length < readings; s++) {
      out.push({ sensorId: `${prefix}-${s}`, sensorType: 'voltage', unit: 'V', value: 230 + ((s * 7 + i) % 100) / 10, timestamp: new Date(START + i * 1000) });
    }
  }
  return out;
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

interface Row {
  mode: string;
  readings: number;
  seconds: number;
  rate: number;
  note?: string;
}

/**
 * Runs `make(round)` `rounds` times (each round on fresh series ids) and keeps the fastest:
 * the machine is shared, and a background flush or compaction should not decide the figure.
 */
async function bestOf(rounds: number, make: (round: number) => Promise<Row>): Promise<Row> {
  let best: Row | undefined;
  for (let r = 0; r < Math.max(1, rounds); r++) {
    const row = await make(r);
    if (!best || row.rate > best.rate) best = row;
  }
  return best!;
}

async function timed(mode: string, readings: number, fn: () => Promise<void>, note?: string): Promise<Row> {
  const t0 = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const row: Row = { mode, readings, seconds, rate: readings / seconds, ...(note ? { note } : {}) };
  process.stderr.write(`  ${mode}: ${readings} readings in ${seconds.toFixed(2)} s (${Math.round(row.rate)} readings/s)\n`);
  return row;
}

@Module({})
class BenchModule {}

/** What the measuring steps share. */
interface Bench {
  o: Options;
  storage: HybridStorageService;
  cassandra: CassandraClient;
  /** A plain pg pool on the bench database, for the raw and naive baselines. */
  pool: Pool;
}

const SENSOR_CQL = 'INSERT INTO sensor_readings_by_day (sensor_id, day, ts, sensor_type, value, unit) VALUES (?, ?, ?, ?, ?, ?)';
/** SENSOR_CQL's values for one reading, its day partition keyed as the adapter keys it. */
const sensorCqlParams = (r: SensorReading) => [r.sensorId, r.timestamp.toISOString().slice(0, 10), r.timestamp, r.sensorType, r.value, r.unit];

const pgAdmin = (database: string): PgClient =>
  new PgClient({ host: process.env.POSTGRES_HOST, port: Number(process.env.POSTGRES_PORT), user: process.env.POSTGRES_USER, password: process.env.POSTGRES_PASSWORD, database });

/** The store settings for a database and keyspace named `name`, as the storage modules read them. */
function configureEnv(name: string): void {
  Object.assign(process.env, {
    POSTGRES_HOST: env('POSTGRES_HOST', '127.0.0.1'),
    POSTGRES_PORT: env('POSTGRES_PORT', '5432'),
    POSTGRES_USER: env('POSTGRES_USER', 'smartgrid'),
    POSTGRES_PASSWORD: env('POSTGRES_PASSWORD', 'smartgrid'),
    POSTGRES_DB: name,
    POSTGRES_POOL_SIZE: '10',
    CASSANDRA_HOSTS: env('CASSANDRA_HOSTS', '127.0.0.1'),
    CASSANDRA_PORT: env('CASSANDRA_PORT', '9042'),
    CASSANDRA_KEYSPACE: name,
    CASSANDRA_LOCAL_DC: env('CASSANDRA_LOCAL_DC', 'datacenter1'),
    USE_CASSANDRA: 'true',
  });
}

async function createDatabase(name: string): Promise<void> {
  const admin = pgAdmin('postgres');
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/** The storage stack as data-processing wires it (migrations applied), replay off. */
function bootStorage(): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: BenchModule,
      imports: timeseriesStorageImports({ settings: { replay: { enabled: false }, storeTimeoutMs: 60_000 } }),
    },
    { logger: ['error', 'warn'] },
  );
}

/**
 * Not timed: prepares statements, creates the month partition, fills pools, lets the JIT and
 * both servers settle, so the first timed mode is not penalised.
 */
async function warmUp(b: Bench): Promise<void> {
  for (const c of chunks(makeReadings('WARM', 30_000, b.o.sensors), b.o.batch)) await b.storage.storeSensorDataBatch(c);
}

function createSensors(b: Bench, prefix: string, n: number): Promise<unknown> {
  return b.pool.query(
    `INSERT INTO sensors (id, sensor_type) SELECT $2 || '-' || g, 'voltage' FROM generate_series(0, $1::int - 1) g ON CONFLICT DO NOTHING`,
    [n, prefix],
  );
}

/**
 * A raw baseline: each round on fresh series ids, `prepare`d outside the timing, then `write`
 * per batch, timed.
 */
function measureRawBatches(
  b: Bench,
  prefixBase: string,
  mode: string,
  write: (batch: SensorReading[], stamp: number) => Promise<void>,
  prepare: (prefix: string) => Promise<unknown> = async () => undefined,
): Promise<Row> {
  const { o } = b;
  return bestOf(o.rounds, async (round) => {
    const prefix = `${prefixBase}${round}`;
    const rows = makeReadings(prefix, o.readings, o.sensors);
    await prepare(prefix);
    const stamp = Date.now() * 1000;
    return timed(mode, rows.length, async () => {
      for (const c of chunks(rows, o.batch)) await write(c, stamp);
    });
  });
}

/** A raw PostgreSQL baseline: sensors created outside the timing, then `write` per batch, timed. */
function measureRawPg(b: Bench, prefixBase: string, mode: string, write: (batch: SensorReading[], stamp: number) => Promise<void>): Promise<Row> {
  return measureRawBatches(b, prefixBase, mode, write, (prefix) => createSensors(b, prefix, b.o.sensors));
}

/** Raw PostgreSQL: one statement per batch, nothing else. */
function measureRawPostgres(b: Bench): Promise<Row> {
  return measureRawPg(b, 'RP', 'raw pg bulk (unnest upsert)', async (c, stamp) => {
    await b.pool.query(
      `INSERT INTO sensor_data AS d (sensor_id, ts, value, written_at_us)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::int8[])
       ON CONFLICT (sensor_id, ts) DO UPDATE SET value = EXCLUDED.value, written_at_us = EXCLUDED.written_at_us
        WHERE d.written_at_us < EXCLUDED.written_at_us`,
      [c.map((r) => r.sensorId), c.map((r) => r.timestamp.toISOString()), c.map((r) => r.value), c.map(() => stamp)],
    );
  });
}

/**
 * A lever measured beside the unnest upsert: the same rows COPYed in PostgreSQL's binary
 * format into a temporary staging table, then one INSERT … SELECT … ON CONFLICT from it.
 */
function copyBinary(rows: SensorReading[], stamp: number): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'binary'), Buffer.alloc(8)];
  const epoch2000us = BigInt(Date.UTC(2000, 0, 1)) * 1000n;
  for (const r of rows) {
    const id = Buffer.from(r.sensorId, 'utf8');
    const unit = r.unit === undefined ? null : Buffer.from(r.unit, 'utf8');
    const t = Buffer.alloc(2 + 4 + id.length + 4 + 8 + 4 + 8 + 4 + 8 + 4 + (unit?.length ?? 0));
    let o = t.writeInt16BE(5, 0);
    o = t.writeInt32BE(id.length, o);
    o += id.copy(t, o);
    o = t.writeInt32BE(8, o);
    o = t.writeBigInt64BE(BigInt(r.timestamp.getTime()) * 1000n - epoch2000us, o);
    o = t.writeInt32BE(8, o);
    o = t.writeDoubleBE(r.value, o);
    o = t.writeInt32BE(8, o);
    o = t.writeBigInt64BE(BigInt(stamp), o);
    if (unit) {
      o = t.writeInt32BE(unit.length, o);
      unit.copy(t, o);
    } else t.writeInt32BE(-1, o);
    parts.push(t);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

function measureRawPostgresCopy(b: Bench): Promise<Row> {
  return measureRawPg(b, 'RPC', 'raw pg bulk (binary COPY + insert from staging)', async (c, stamp) => {
    const client = await b.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'CREATE TEMP TABLE IF NOT EXISTS copy_stage (sensor_id text, ts timestamptz, value float8, written_at_us int8, unit text) ON COMMIT DELETE ROWS',
      );
      await pipeline(Readable.from([copyBinary(c, stamp)]), client.query(copyFrom('COPY copy_stage FROM STDIN (FORMAT binary)')));
      await client.query(
        `INSERT INTO sensor_data AS d (sensor_id, ts, value, written_at_us, unit) SELECT * FROM copy_stage
         ON CONFLICT (sensor_id, ts) DO UPDATE SET value = EXCLUDED.value, written_at_us = EXCLUDED.written_at_us, unit = EXCLUDED.unit
          WHERE d.written_at_us < EXCLUDED.written_at_us`,
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
}

/**
 * The lever the adapter uses: the rows of one sensor-day as UNLOGGED single-partition batches of
 * up to 50, a lone row as a plain statement (as the adapter does), 64 in flight.
 */
function measureRawCassandraBatches(b: Bench): Promise<Row> {
  return measureRawBatches(b, 'RCB', 'raw cassandra bulk (partition batches of 50, 64 in flight)', async (c) => {
    const byPartition = new Map<string, SensorReading[]>();
    for (const r of c) {
      const k = `${r.sensorId}|${r.timestamp.toISOString().slice(0, 10)}`;
      byPartition.set(k, [...(byPartition.get(k) ?? []), r]);
    }
    const groups = [...byPartition.values()].flatMap((g) => chunks(g, 50));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const g = groups[next++]!;
        if (g.length === 1) {
          await b.cassandra.execute(SENSOR_CQL, sensorCqlParams(g[0]!), { prepare: true });
          continue;
        }
        await b.cassandra.batch(
          g.map((r) => ({ query: SENSOR_CQL, params: sensorCqlParams(r) })),
          { prepare: true, logged: false },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(64, groups.length) }, worker));
  });
}

/** Raw Cassandra: one prepared statement, 64 in flight, nothing else. */
function measureRawCassandra(b: Bench): Promise<Row> {
  return measureRawBatches(b, 'RC', 'raw cassandra bulk (executeConcurrent 64)', async (c) => {
    await concurrent.executeConcurrent(b.cassandra, SENSOR_CQL, c.map(sensorCqlParams), {
      concurrencyLevel: 64,
      raiseOnFirstError: true,
      collectResults: false,
    });
  });
}

/** The hybrid path to `target`, `writers` batches in flight; each mode writes fresh series (prefix + round). */
function measureHybrid(b: Bench, mode: string, prefix: string, target: WriteTarget, writers = 1): Promise<Row> {
  const { o } = b;
  return bestOf(o.rounds, (round) => {
    const batches = chunks(makeReadings(`${prefix}${round}`, o.readings, o.sensors), o.batch);
    return timed(mode, o.readings, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < batches.length) {
            const r = await b.storage.storeSensorDataBatch(batches[next++]!, { target });
            if (r.backlog.length) throw new Error(`${mode}: a store failed during the bench`);
          }
        }),
      );
    });
  });
}

/** Naive: each reading awaited in PostgreSQL, then in Cassandra (on a sample, extrapolated). */
async function measureNaive(b: Bench): Promise<Row> {
  const { o } = b;
  const n = Math.min(o.naive, o.readings);
  const rows = makeReadings('NV', n, Math.min(o.sensors, n));
  await createSensors(b, 'NV', Math.min(o.sensors, n));
  const naive = await timed('naive (1 INSERT + 1 CQL per reading)', n, async () => {
    for (const r of rows) {
      await b.pool.query(
        'INSERT INTO sensor_data (sensor_id, ts, value, written_at_us) VALUES ($1, $2, $3, $4) ON CONFLICT (sensor_id, ts) DO NOTHING',
        [r.sensorId, r.timestamp.toISOString(), r.value, Date.now() * 1000],
      );
      await b.cassandra.execute(SENSOR_CQL, sensorCqlParams(r), { prepare: true });
    }
  });
  if (n < o.readings) naive.note = `measured on ${n} readings; ${o.readings} extrapolated at that rate = ${(o.readings / naive.rate).toFixed(0)} s`;
  return naive;
}

/** Every mode, in the order the table lists them; `--modes a,b` runs only those ids. */
const MODES: { id: string; run: (b: Bench) => Promise<Row | null> }[] = [
  { id: 'raw-pg', run: measureRawPostgres },
  { id: 'raw-pg-copy', run: measureRawPostgresCopy },
  { id: 'raw-cassandra', run: measureRawCassandra },
  { id: 'raw-cassandra-batches', run: measureRawCassandraBatches },
  { id: 'hybrid', run: (b) => measureHybrid(b, 'hybrid both', 'HB', 'both') },
  // Several batches in flight, as with a consumer working several partitions at once.
  { id: 'hybrid-writers', run: async (b) => (b.o.writers > 1 ? measureHybrid(b, `hybrid both, ${b.o.writers} writers`, 'HW', 'both', b.o.writers) : null) },
  { id: 'hybrid-pg', run: (b) => measureHybrid(b, 'hybrid postgres only', 'HP', 'postgres') },
  { id: 'hybrid-cassandra', run: (b) => measureHybrid(b, 'hybrid cassandra only', 'HC', 'cassandra') },
  { id: 'naive', run: measureNaive },
];

function selectModes(list: string | undefined): typeof MODES {
  if (!list) return MODES;
  const ids = list.split(',').map((m) => m.trim());
  const unknown = ids.filter((id) => !MODES.some((m) => m.id === id));
  if (unknown.length) throw new Error(`unknown mode(s) ${unknown.join(', ')}; modes: ${MODES.map((m) => m.id).join(', ')}`);
  return MODES.filter((m) => ids.includes(m.id));
}

async function measureModes(b: Bench, modes: typeof MODES): Promise<Row[]> {
  const results: Row[] = [];
  for (const mode of modes) {
    const row = await mode.run(b);
    if (row) results.push(row);
  }
  return results;
}

function printTable(o: Options, results: Row[]): void {
  const rate = (prefix: string): number | undefined => results.find((r) => r.mode.startsWith(prefix))?.rate;
  const naiveRate = rate('naive');
  const both = results.find((r) => r.mode === 'hybrid both')?.rate;
  const ratio = (label: string, a: number | undefined, b: number | undefined, digits: number): string[] =>
    a !== undefined && b !== undefined ? [`${label.padEnd(34)}${(a / b).toFixed(digits)}x`] : [];
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(42) : c.padStart(12))).join(' ');
  const lines = [
    '',
    `storage bulk write bench — ${o.readings} sensor readings, ${o.sensors} sensors, batches of ${o.batch}; one writer with batches in sequence unless stated; best of ${o.rounds} rounds`,
    line(['mode', 'readings', 'seconds', 'readings/s', 'x naive']),
    ...results.map((r) => line([r.mode, String(r.readings), r.seconds.toFixed(2), String(Math.round(r.rate)), naiveRate ? (r.rate / naiveRate).toFixed(1) : '-'])),
    ...results.filter((r) => r.note).map((r) => `  ${r.mode}: ${r.note}`),
    '',
    ...ratio('hybrid both / naive', both, naiveRate, 1),
    ...ratio('hybrid both / raw pg bulk', both, rate('raw pg'), 2),
    ...ratio('hybrid both / raw cassandra bulk', both, rate('raw cassandra'), 2),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const modes = selectModes(o.modes);
  const name = `sg_bench_${randomBytes(4).toString('hex')}`;
  configureEnv(name);
  await createDatabase(name);

  let ctx: INestApplicationContext | undefined;
  const pool = new Pool({ host: process.env.POSTGRES_HOST, port: Number(process.env.POSTGRES_PORT), user: process.env.POSTGRES_USER, password: process.env.POSTGRES_PASSWORD, database: name, max: 4 });
  try {
    ctx = await bootStorage();
    const b: Bench = { o, storage: ctx.get(HybridStorageService), cassandra: ctx.get<CassandraClient>(CASSANDRA_CLIENT), pool };
    process.stderr.write(`storage bench: ${o.readings} readings, ${o.sensors} sensors, batches of ${o.batch}; database/keyspace ${name}\n`);
    await warmUp(b);
    printTable(o, await measureModes(b, modes));
    if (o.drain > 0) {
      await warmDrainBench(b.storage, ctx.get(BacklogService), ctx.get(BacklogReplayer), o);
      if (o.outage) await drainBench(b.storage, ctx.get(BacklogReplayer), o);
    }
  } finally {
    await ctx?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    const results = await Promise.allSettled([dropKeyspace(name), dropDatabase(pgAdmin, name)]);
    for (const r of results) if (r.status === 'rejected') process.stderr.write(`cleanup: ${String(r.reason)} (drop ${name} by hand)\n`);
  }
}

async function dropKeyspace(name: string): Promise<void> {
  const client = new CassandraClient({
    contactPoints: [process.env.CASSANDRA_HOSTS!],
    localDataCenter: process.env.CASSANDRA_LOCAL_DC!,
    protocolOptions: { port: Number(process.env.CASSANDRA_PORT) },
  });
  try {
    await client.connect();
    await client.execute(`DROP KEYSPACE IF EXISTS ${name}`, [], { readTimeout: 60_000 });
  } finally {
    await client.shutdown();
  }
}

async function dropDatabase(pgAdmin: (db: string) => PgClient, name: string): Promise<void> {
  const admin = pgAdmin('postgres');
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * The replay pipeline alone on a warm node: entries for Cassandra appended to the PostgreSQL
 * backlog directly (as a failed write would), rows already in PostgreSQL, then drained.
 */
async function warmDrainBench(storage: HybridStorageService, backlog: BacklogService, replayer: BacklogReplayer, o: Options): Promise<void> {
  const rows = makeReadings('WD', o.drain, o.sensors);
  for (const b of chunks(rows, o.batch)) await storage.storeSensorDataBatch(b, { target: 'postgres' });
  const stamp = Date.now() * 1000;
  const entries = chunks(rows, 500).map((r) => ({ kind: 'sensor' as const, rows: r.map((x) => ({ ...x, writtenAtUs: stamp })), target: 'cassandra' as const, reason: 'bench' }));
  for (const e of chunks(entries, 20)) await backlog.append('cassandra', e, ['postgres']);
  const t0 = process.hrtime.bigint();
  await replayer.drainNow();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const left = (await storage.getBacklogStatus()).entries;
  process.stdout.write(
    `\nbacklog drain, warm node (no outage; ${rows.length} rows in ${entries.length} entries appended directly): ` +
      `${secs.toFixed(2)} s = ${Math.round(rows.length / secs)} rows/s${left ? ` (${left} entries left!)` : ''}\n`,
  );
}

/** Real Cassandra outage: backlog fills in PostgreSQL; after restart, time the drain. */
async function drainBench(storage: HybridStorageService, replayer: BacklogReplayer, o: Options): Promise<void> {
  process.stderr.write(`\ndrain bench: stopping Cassandra, writing ${o.drain} readings…\n`);
  stack('down', 'cassandra');
  try {
    const rows = makeReadings('DR', o.drain, o.sensors);
    const t0 = process.hrtime.bigint();
    for (const b of chunks(rows, o.batch)) {
      const r = await storage.storeSensorDataBatch(b);
      if (r.storedIn.join() !== 'postgres') throw new Error('expected the write to land in PostgreSQL only');
    }
    const writeSecs = Number(process.hrtime.bigint() - t0) / 1e9;
    const before = await storage.getBacklogStatus();
    const backlog = before.targets.cassandra;
    process.stderr.write(`  backlog: ${backlog.entries} entries, ${backlog.rows} rows; starting Cassandra…\n`);
    const upT0 = Date.now();
    stack('up', 'cassandra');
    // Wait for the driver to reconnect, so the figure is the drain, not the server start.
    const cassandra = storage.store('cassandra')!;
    for (;;) {
      try {
        await cassandra.ping();
        break;
      } catch {
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    const reconnectSecs = (Date.now() - upT0) / 1000;
    const d0 = process.hrtime.bigint();
    let status = before;
    while (status.entries > 0) {
      const r = await replayer.drainNow();
      const c = r.targets.find((t) => t.target === 'cassandra');
      if (c && c.state !== 'drained') throw new Error(`replay ${c.state}: ${c.error}`);
      status = await storage.getBacklogStatus();
    }
    const drainSecs = Number(process.hrtime.bigint() - d0) / 1e9;
    // For scale: what the freshly restarted node takes as direct writes, right after the drain.
    const after = chunks(makeReadings('DRW', 20_000, o.sensors), o.batch);
    const w0 = process.hrtime.bigint();
    for (const b of after) await storage.storeSensorDataBatch(b, { target: 'cassandra' });
    const coldRate = 20_000 / (Number(process.hrtime.bigint() - w0) / 1e9);
    process.stdout.write(
      [
        '',
        `backlog drain after a real Cassandra outage: ${backlog.rows} rows in ${backlog.entries} entries (PostgreSQL-held)`,
        `  writes during the outage (PostgreSQL + backlog entry): ${Math.round(o.drain / writeSecs)} readings/s`,
        `  Cassandra start + driver reconnect: ${reconnectSecs.toFixed(1)} s (not counted below)`,
        `  drain: ${drainSecs.toFixed(2)} s = ${Math.round(backlog.rows / drainSecs)} rows/s (${Math.round(backlog.entries / drainSecs)} entries/s)`,
        `  direct Cassandra writes just after the drain (same restarted node): ${Math.round(coldRate)} readings/s`,
      ].join('\n') + '\n',
    );
  } finally {
    stack('up', 'cassandra');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
