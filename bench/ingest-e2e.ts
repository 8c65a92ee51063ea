/**
 * End-to-end ingest benchmark against the local stack (infra/local/stack up):
 *
 *   npm run bench:ingest                       # 200 000 readings
 *   npm run bench:ingest -- --readings 400000 --sensors 4000
 *
 * 1. Storage bulk ceiling: HybridStorageService.storeSensorDataBatch (both stores) in an
 *    in-process app without the consumer: three concurrent streams of 7500-row batches, each
 *    over a third of the sensors, the shape the consumer produces from three partitions.
 * 2. Naive per-message path: storeSensorData one reading at a time (what an eachMessage
 *    handler awaiting its write per message would do).
 * 3. Kafka end to end: data-processing in a child process consuming; N readings produced as
 *    fast as the producer goes; the clock stops when every offset is committed (which the
 *    consumer does only once rows are durable) and the replication backlog is empty (so the
 *    rows are in both stores). Row counts in both stores are then checked.
 * 4. Latency at half the measured rate: produce for 20 s with probe readings (1 in 50 of
 *    sensors already seen, and 1 in 500 of sensors never seen); p50/p99 from the producer's ack
 *    to the probe being readable in both PostgreSQL and Cassandra.
 * 5. Alarm rules side by side (`--rules 20`, 0 to skip): the same end-to-end measurement on the
 *    same app twice, without enabled rules and then with N enabled rules selecting every sensor
 *    by type (thresholds and durations an operator would set, hysteresis included), readings
 *    timestamped after the rules were created so every rule judges every reading; prints both
 *    rates and their ratio.
 * 6. Where the CPU went: core-ms per 1,000 readings of each local server, the app and the
 *    producer (from /proc, whole process trees) in the ceiling run and end to end, and the rate
 *    the machine's cores would allow at that cost — what bounds the rate on this machine.
 * Prints the app's peak RSS (VmHWM of the child process); `--built 1` measures the built app
 * as operators start it (infra/runtime/start-app.sh, heap bounded by MAX_HEAP_MB), and
 * `--soak 600` then produces at 80 % of the measured rate for ten minutes, printing the RSS
 * curve.
 */
import { JwtService } from '@nestjs/jwt';
import { Role, TokenService } from '@smartgrid/auth';
import { HybridStorageService, SensorReading } from '@smartgrid/hybrid-storage';
import { prefixedTopic } from '@smartgrid/kafka';
import { REPO_ROOT, setupTestStack, TestStack } from '@smartgrid/testing';
import { Client as CassandraClient, types as cqlTypes } from 'cassandra-driver';
import { readFileSync } from 'fs';
import { cpus } from 'os';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { createApp } from '../apps/data-processing/src/data-processing.app';
import { Fleet } from '../apps/data-processing/src/feed/fleet.simulator';
import { ingestGroupId } from '../apps/data-processing/src/ingest/ingest.settings';
import { startChildApp } from '../apps/data-processing/test/support/child-app';
import { BuiltApp, freePort } from '../test/support/built-app';
import { numberOptions } from './support/bench.args';
import { CpuSplit, localServerPids } from './support/process-cpu';

/** The consuming app under measurement: from the sources (TypeScript loader) or built. */
interface ChildApp {
  baseUrl: string;
  pid: number | undefined;
  /** VmRSS and VmHWM of its process, MiB. */
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<void>;
}

interface Args {
  readings: number;
  sensors: number;
  ceilingReadings: number;
  naiveReadings: number;
  latencySeconds: number;
  /** 1: run the built app (dist, bounded heap, as operators do) instead of the TypeScript sources. */
  built: number;
  /** Seconds of a soak run at 80 % of the measured rate, RSS sampled every 10 s (0: none). */
  soak: number;
  /** Enabled alarm rules of the side-by-side run (0: no side-by-side run). */
  rules: number;
}

/** 0 turns these off; every other figure must be positive. */
const MAY_BE_ZERO: readonly (keyof Args)[] = ['built', 'soak', 'rules'];

function parseArgs(argv: string[]): Args {
  const defaults: Args = { readings: 200_000, sensors: 2000, ceilingReadings: 100_000, naiveReadings: 2000, latencySeconds: 20, built: 0, soak: 0, rules: 20 };
  return numberOptions(argv, defaults, (n, key) => Number.isFinite(n) && (n > 0 || (n === 0 && MAY_BE_ZERO.includes(key))));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** `count` sensor messages: `sensors` ids, one reading per id per second, ending about now. */
function* sensorMessages(fleet: Fleet, count: number, startMs: number, idPrefix: string): Generator<{ key: string; value: string; reading: SensorReading }> {
  const n = fleet.sensors.length;
  for (let i = 0; i < count; i++) {
    const s = fleet.sensors[i % n];
    const m = fleet.sensorReading(s, startMs + Math.floor(i / n) * 1000);
    const id = `${idPrefix}${m.sensor_id}`;
    const msg = { ...m, sensor_id: id };
    yield {
      key: id,
      value: JSON.stringify(msg),
      reading: { sensorId: id, sensorType: m.sensor_type, value: m.value, unit: m.unit, timestamp: new Date(m.timestamp) },
    };
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Core-ms spent per named process over a measured stretch, and the readings it handled. */
interface CpuUse {
  ms: Record<string, number>;
  readings: number;
}

async function storageCeiling(stack: TestStack, args: Args): Promise<{ bulk: number; naive: number; cpu: CpuUse }> {
  const app = await createApp({ env: { ...stack.env, INGEST_ENABLED: 'false' }, logger: ['error'] });
  await app.init();
  try {
    const storage = app.get(HybridStorageService);
    const fleet = new Fleet({ sensors: args.sensors, meters: 0, seed: 7 });
    const start = Date.now() - 6 * 3_600_000;
    const all = [...sensorMessages(fleet, args.ceilingReadings, start, 'CEIL-')].map((m) => m.reading);
    // Shaped like the consumer's work: three streams (a topic's partitions), each a disjoint
    // third of the sensors written in 7500-row batches, the three streams concurrently.
    const streams: SensorReading[][][] = [[], [], []];
    for (let p = 0; p < 3; p++) {
      const mine = all.filter((_r, i) => (i % args.sensors) % 3 === p);
      for (let i = 0; i < mine.length; i += 7500) streams[p].push(mine.slice(i, i + 7500));
    }
    // Warm-up (sensor rows, partitions, prepared statements, JIT), not timed.
    const warm = [...sensorMessages(fleet, 10_000, start - 3_600_000, 'CEIL-')].map((m) => m.reading);
    for (let i = 0; i < warm.length; i += 5000) await storage.storeSensorDataBatch(warm.slice(i, i + 5000));
    const split = new CpuSplit({ ...serverTrees(), 'storage path (in the bench process)': { pid: process.pid, tree: false } });
    const t0 = performance.now();
    await Promise.all(
      streams.map(async (batches) => {
        for (const b of batches) {
          const r = await storage.storeSensorDataBatch(b);
          if (r.storedIn.length !== 2) throw new Error(`bulk write not in both stores: ${JSON.stringify(r.outcomes)}`);
        }
      }),
    );
    const bulk = all.length / ((performance.now() - t0) / 1000);
    const cpu = { ms: split.stop(), readings: all.length };
    log(`storage bulk ceiling: ${all.length} readings, ${bulk.toFixed(0)} readings/s`);

    const naiveReadings = [...sensorMessages(fleet, args.naiveReadings, start, 'NAIVE-')].map((m) => m.reading);
    const t1 = performance.now();
    for (const r of naiveReadings) await storage.storeSensorData(r);
    const naive = naiveReadings.length / ((performance.now() - t1) / 1000);
    log(`naive per-message path: ${naiveReadings.length} readings, ${naive.toFixed(0)} readings/s`);
    return { bulk, naive, cpu };
  } finally {
    await app.close();
  }
}

async function produceAll(producer: Producer, topic: string, messages: { key: string; value: string }[], inFlight = 4, chunk = 2000): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < messages.length) {
        const start = next;
        next += chunk;
        await producer.send({ topic, acks: -1, messages: messages.slice(start, start + chunk) });
      }
    }),
  );
}

async function allCommitted(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const [c] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map(c.partitions.map((p) => [p.partition, p.offset]));
    return high.every((p) => committed.get(p.partition) === p.high);
  } finally {
    await admin.disconnect();
  }
}

function serverTrees(): Record<string, { pid: number; tree: boolean }> {
  return Object.fromEntries(Object.entries(localServerPids(REPO_ROOT)).map(([name, pid]) => [name, { pid, tree: true }]));
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

interface Bench {
  args: Args;
  stack: TestStack;
  kafka: Kafka;
  producer: Producer;
  pg: Client;
  /** The sensor-data topic the app consumes, and the app's consumer group. */
  topic: string;
  groupId: string;
}

interface EndToEnd {
  rate: number;
  cpu: CpuUse;
  pgRows: number;
  /** The sensors the readings came from. */
  fleet: Fleet;
}

interface Latency {
  /** Produce ack to queryable in both stores, ms, ascending: readings of known sensors. */
  sorted: number[];
  /** The same for readings of sensors never seen before. */
  firstSighting: number[];
  notSeen: number;
  achieved: number;
}

/** Its own stack (database, keyspace, topic prefix) and the clients the steps share. */
async function prepare(args: Args): Promise<Bench> {
  const stack = await setupTestStack({ KAFKA_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'warn' });
  const kafka = new Kafka({ clientId: 'bench-ingest', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  return {
    args,
    stack,
    kafka,
    producer: kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }),
    pg: new Client({
      host: stack.env.POSTGRES_HOST,
      port: Number(stack.env.POSTGRES_PORT),
      user: stack.env.POSTGRES_USER,
      password: stack.env.POSTGRES_PASSWORD,
      database: stack.env.POSTGRES_DB,
    }),
    topic: prefixedTopic(stack.env.KAFKA_TOPIC_PREFIX, 'sensor-data'),
    groupId: ingestGroupId(stack.env.KAFKA_TOPIC_PREFIX, { groupId: undefined }),
  };
}

/** data-processing in a child process, consuming; then the producer and PostgreSQL connect. */
async function startConsumingApp(b: Bench): Promise<ChildApp> {
  const env = { ...b.stack.env, INGEST_MAX_WAIT_MS: '100' };
  let child: ChildApp;
  if (b.args.built) {
    const app = new BuiltApp('data-processing', env, await freePort(), `/tmp/bench-ingest-app-${process.pid}.log`);
    await app.start();
    child = app;
  } else {
    const c = await startChildApp(env);
    child = {
      baseUrl: c.baseUrl,
      pid: c.proc.pid,
      memory: () => memoryOf(c.proc.pid!),
      stop: async () => {
        c.proc.kill('SIGTERM');
        await Promise.race([c.exited, sleep(30_000)]);
      },
    };
  }
  await b.producer.connect();
  await b.pg.connect();
  return child;
}

/**
 * Produces at `rate` for `seconds`, sampling the app's RSS every 10 s: the curve shows whether
 * memory settles (no growth) under sustained load.
 */
async function soak(b: Bench, child: ChildApp, rate: number, seconds: number): Promise<{ t: number; rssMb: number }[]> {
  log(`soak: producing at ${rate.toFixed(0)} readings/s for ${seconds} s...`);
  const samples: { t: number; rssMb: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - started) / 1000), rssMb: child.memory().rssMb }), 10_000);
  try {
    await produceAtRate({ ...b, args: { ...b.args, latencySeconds: seconds } }, rate, new Map());
  } finally {
    clearInterval(sampler);
  }
  return samples;
}

async function viewerToken(b: Bench, role: Role = Role.Viewer): Promise<string> {
  const tokens = new TokenService(new JwtService({ secret: b.stack.env.JWT_SECRET }), 900);
  return (await tokens.issue({ userId: 'bench', username: 'bench', role })).accessToken;
}

/**
 * `n` enabled rules over the fleet's sensor types (each type several times with different
 * thresholds and durations): what a utility with a few dozen operational rules has. Thresholds
 * sit near the edges of the fleet's values, so runs start and break off now and then and a few
 * alarms are raised, as in operation.
 */
function benchRules(n: number): Record<string, unknown>[] {
  const bands: [string, number, number][] = [
    ['voltage', 207, 253],
    ['voltage', 218, 242],
    ['frequency', 49.5, 50.5],
    ['frequency', 49.97, 50.03],
    ['current', 0, 60],
    ['temperature', -5, 28],
    ['power_factor', 0.85, 1],
  ];
  return Array.from({ length: n }, (_, i) => {
    const [sensorType, low, high] = bands[i % bands.length]!;
    const margin = (high - low) * 0.02;
    return {
      name: `bench rule ${i + 1} (${sensorType})`,
      selector: { sensorType },
      condition: { op: 'outside', low, high, minDurationSeconds: 10 + (i % 4) * 20 },
      clear: { low: low + margin, high: high - margin, minDurationSeconds: 10 + (i % 3) * 10 },
      severity: (['critical', 'major', 'minor', 'warning'] as const)[i % 4],
    };
  });
}

/** The same end-to-end run without enabled rules and with `args.rules` of them, on the same app. */
async function measureRulesSideBySide(b: Bench, child: ChildApp, token: string): Promise<{ without: number; with: number }> {
  // Readings lie after the rules' creation (a rule judges readings from then on); both runs alike.
  const ahead = (): number => Date.now() + 5_000;
  const without = await measureEndToEnd(b, child, token, 'RN-', ahead());
  const operator = await viewerToken(b, Role.Operator);
  for (const rule of benchRules(b.args.rules)) {
    const res = await fetch(`${child.baseUrl}/api/alarm-rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    if (res.status !== 201) throw new Error(`creating a bench rule: ${res.status} ${await res.text()}`);
  }
  const withRules = await measureEndToEnd(b, child, token, 'RR-', ahead());
  const alarms = (await b.pg.query("SELECT count(*)::int AS n FROM alarms WHERE source_id LIKE 'RR-%'")).rows[0].n as number;
  log(`  alarms raised during the run with rules: ${alarms}`);
  return { without: without.rate, with: withRules.rate };
}

/** Rows waiting in the replication backlog, or -1 while a backlog cannot be read. */
async function backlogRows(child: ChildApp, token: string): Promise<number> {
  const res = await fetch(`${child.baseUrl}/api/storage/status`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { backlog: { rows?: number; unreachable?: unknown[] } };
  return body.backlog.rows === undefined || (body.backlog.unreachable?.length ?? 0) > 0 ? -1 : body.backlog.rows;
}

/**
 * Produces every reading as fast as the producer goes; the clock stops when every offset is
 * committed (durable in at least one store) and the replication backlog is empty (in both).
 */
async function measureEndToEnd(b: Bench, child: ChildApp, token: string, prefix = 'E2E-', startMs?: number): Promise<EndToEnd> {
  const { args } = b;
  const fleet = new Fleet({ sensors: args.sensors, meters: 0, seed: 11 });
  const perSensor = Math.ceil(args.readings / args.sensors);
  const start = startMs ?? Date.now() - perSensor * 1000 - 60_000;
  const messages = [...sensorMessages(fleet, args.readings, start, prefix)].map(({ key, value }) => ({ key, value }));
  log(`kafka end to end (${prefix}): producing...`);
  const split = new CpuSplit({ ...serverTrees(), 'data-processing app': { pid: child.pid!, tree: true }, 'producer (the bench process)': { pid: process.pid, tree: false } });
  const t0 = performance.now();
  await produceAll(b.producer, b.topic, messages);
  const produced = performance.now();
  log(`  produced in ${((produced - t0) / 1000).toFixed(1)} s`);
  while (!(await allCommitted(b.kafka, b.groupId, b.topic))) await sleep(100);
  const committedAt = performance.now();
  while ((await backlogRows(child, token)) !== 0) await sleep(100);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = { ms: split.stop(), readings: args.readings };
  const pgRows = (await b.pg.query('SELECT count(*)::int AS n FROM sensor_data WHERE sensor_id LIKE $1', [`${prefix}%`])).rows[0].n as number;
  log(`  committed after ${((committedAt - t0) / 1000).toFixed(1)} s, backlog empty after ${elapsed.toFixed(1)} s; PostgreSQL rows ${pgRows}`);
  return { rate: args.readings / elapsed, cpu, pgRows, fleet };
}

/** Cassandra rows of the end-to-end run, counted through the app (one query per sensor). */
async function countCassandraRows(child: ChildApp, token: string, fleet: Fleet): Promise<number> {
  const readingsIn = async (store: 'postgres' | 'cassandra', id: string, from: number, to: number): Promise<number> => {
    const url = `${child.baseUrl}/api/sensors/${encodeURIComponent(id)}/readings?source=${store}&limit=10000&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return ((await res.json()) as { count: number }).count;
  };
  let cassandraRows = 0;
  const ids = fleet.sensors.map((s) => `E2E-${s.id}`);
  for (let i = 0; i < ids.length; i += 20) {
    const counts = await Promise.all(ids.slice(i, i + 20).map((id) => readingsIn('cassandra', id, Date.now() - 7 * 86_400_000, Date.now() + 86_400_000)));
    cassandraRows += counts.reduce((a, b) => a + b, 0);
  }
  log(`  Cassandra rows ${cassandraRows}`);
  return cassandraRows;
}

/**
 * A probe, from its producer ack until it is readable in both stores: a reading of a sensor
 * the app has seen before (the usual case), or of a sensor never seen (its first sighting also
 * registers it).
 */
interface Probe {
  sensorId: string;
  ts: number;
  at: number;
  kind: 'known' | 'new';
}

/**
 * Looks the pending probes up directly in both stores (one PostgreSQL query for all of them,
 * one CQL partition read per probe seen there), so measuring does not load the app; moves
 * each probe found in both into `latencies`. Runs until `done()` and no probe is pending.
 */
async function watchProbes(pg: Client, cql: CassandraClient, pending: Map<string, Probe>, latencies: Record<Probe['kind'], number[]>, done: () => boolean): Promise<void> {
  const inCassandra = async (id: string, ts: number): Promise<boolean> => {
    const day = new Date(Math.floor(ts / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
    const r = await cql.execute('SELECT ts FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? AND ts = ?', [id, cqlTypes.LocalDate.fromString(day), new Date(ts)], { prepare: true });
    return r.rowLength === 1;
  };
  while (!done() || pending.size > 0) {
    const probes = [...pending.values()];
    if (probes.length > 0) {
      const seen = (
        await pg.query('SELECT d.sensor_id, (extract(epoch FROM d.ts) * 1000)::float8 AS ms FROM sensor_data d JOIN unnest($1::text[], $2::timestamptz[]) AS p(id, ts) ON d.sensor_id = p.id AND d.ts = p.ts', [
          probes.map((p) => p.sensorId),
          probes.map((p) => new Date(p.ts).toISOString()),
        ])
      ).rows.map((r: { sensor_id: string; ms: number }) => `${r.sensor_id}@${r.ms}`);
      await Promise.all(
        seen.map(async (key: string) => {
          const p = pending.get(key)!;
          if (await inCassandra(p.sensorId, p.ts)) {
            pending.delete(key);
            latencies[p.kind].push(performance.now() - p.at);
          }
        }),
      );
    }
    await sleep(5);
  }
}

/** Produces at `rate` readings/s for the configured time, one probe in 50; returns readings/s achieved. */
async function produceAtRate(b: Bench, rate: number, pending: Map<string, Probe>): Promise<number> {
  const latFleet = new Fleet({ sensors: b.args.sensors, meters: 0, seed: 13 });
  const latStart = performance.now();
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let sent = 0;
  let probeNo = 0;
  const gen = sensorMessages(latFleet, Number.MAX_SAFE_INTEGER, Date.now() - 3_600_000, 'LAT-');
  while (performance.now() - latStart < b.args.latencySeconds * 1000) {
    const tickStart = performance.now();
    const out: { key: string; value: string }[] = [];
    const probes: Omit<Probe, 'at'>[] = [];
    for (let i = 0; i < perTick; i++) {
      const m = gen.next().value as { key: string; value: string; reading: SensorReading };
      const n = sent + i;
      if (n % 500 === 250) {
        // A sensor never seen before.
        const id = `PROBE-${probeNo++}`;
        const ts = Date.now() - 60_000;
        out.push({ key: id, value: JSON.stringify({ sensor_id: id, sensor_type: 'voltage', value: 230, unit: 'V', timestamp: new Date(ts).toISOString() }) });
        probes.push({ sensorId: id, ts, kind: 'new' });
        continue;
      }
      out.push({ key: m.key, value: m.value });
      // One reading in 50 of a sensor already seen (every sensor has sent one before).
      if (n >= b.args.sensors && n % 50 === 0) probes.push({ sensorId: m.reading.sensorId, ts: m.reading.timestamp.getTime(), kind: 'known' });
    }
    await b.producer.send({ topic: b.topic, acks: -1, messages: out });
    const ackAt = performance.now();
    for (const p of probes) pending.set(`${p.sensorId}@${p.ts}`, { ...p, at: ackAt });
    sent += out.length;
    const spent = performance.now() - tickStart;
    if (spent < tickMs) await sleep(tickMs - spent);
  }
  return sent / ((performance.now() - latStart) / 1000);
}

/** Sum and count of the app's histograms, per series (name and labels), from its /metrics. */
async function histogramTotals(child: ChildApp): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${child.baseUrl}/metrics`)).text();
  const totals = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const m = /^(smartgrid_(?:ingest_batch_size|ingest_batch_duration_seconds|store_write_duration_seconds))_(sum|count)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const key = `${m[1]}${m[3] ?? ''}`;
    const t = totals.get(key) ?? { sum: 0, count: 0 };
    t[m[2] as 'sum' | 'count'] += Number(m[4]);
    totals.set(key, t);
  }
  return totals;
}

/** Means of the app's batch histograms between two scrapes: what a batch held and how long its steps took. */
function batchMeans(before: Map<string, { sum: number; count: number }>, after: Map<string, { sum: number; count: number }>): string[] {
  const lines: string[] = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { sum: 0, count: 0 };
    const n = a.count - b.count;
    if (n <= 0) continue;
    const mean = (a.sum - b.sum) / n;
    lines.push(`  ${key}: ${n} observed, mean ${key.includes('seconds') ? `${(mean * 1000).toFixed(0)} ms` : mean.toFixed(0)}`);
  }
  return lines;
}

/** Latency at `rate` (half the measured end-to-end rate): produce-ack to queryable in both stores. */
async function measureLatency(b: Bench, child: ChildApp, rate: number): Promise<Latency> {
  log(`latency: producing at ${rate.toFixed(0)} readings/s for ${b.args.latencySeconds} s...`);
  const latencies: Record<Probe['kind'], number[]> = { known: [], new: [] };
  const pending = new Map<string, Probe>();
  let produceDone = false;
  const env = b.stack.env;
  const cql = new CassandraClient({
    contactPoints: env.CASSANDRA_HOSTS.split(','),
    localDataCenter: env.CASSANDRA_LOCAL_DC,
    protocolOptions: { port: Number(env.CASSANDRA_PORT) },
    keyspace: env.CASSANDRA_KEYSPACE,
  });
  await cql.connect();
  const before = await histogramTotals(child);
  const poller = watchProbes(b.pg, cql, pending, latencies, () => produceDone);
  const achieved = await produceAtRate(b, rate, pending);
  produceDone = true;
  await Promise.race([poller, sleep(60_000)]);
  await cql.shutdown();
  for (const line of batchMeans(before, await histogramTotals(child))) log(line);
  latencies.known.sort((a, c) => a - c);
  latencies.new.sort((a, c) => a - c);
  return { sorted: latencies.known, firstSighting: latencies.new, notSeen: pending.size, achieved };
}

async function printReport(args: Args, ceiling: { bulk: number; naive: number }, e2e: EndToEnd, cassandraRows: number, rate: number, latency: Latency, rssMb: number): Promise<void> {
  const rows: [string, string][] = [
    ['readings (Kafka end to end)', String(args.readings)],
    ['end-to-end ingest, readings/s', e2e.rate.toFixed(0)],
    ['storage bulk ceiling, readings/s', ceiling.bulk.toFixed(0)],
    ['  e2e / bulk ceiling', (e2e.rate / ceiling.bulk).toFixed(2)],
    ['naive per-message path, readings/s', ceiling.naive.toFixed(0)],
    ['  e2e / naive', (e2e.rate / ceiling.naive).toFixed(1)],
    ['rows in PostgreSQL / Cassandra', `${e2e.pgRows} / ${cassandraRows}`],
    [`latency run: target ${rate.toFixed(0)}/s, achieved`, latency.achieved.toFixed(0)],
    ['produce-to-queryable p50 ms (known sensors)', percentile(latency.sorted, 50).toFixed(0)],
    ['produce-to-queryable p99 ms (known sensors)', percentile(latency.sorted, 99).toFixed(0)],
    ['  first sighting of a sensor: p50 / p99 ms', `${percentile(latency.firstSighting, 50).toFixed(0)} / ${percentile(latency.firstSighting, 99).toFixed(0)}`],
    ['  probes measured', `${latency.sorted.length} + ${latency.firstSighting.length} first sightings (${latency.notSeen} not seen)`],
    [`app peak RSS MB (${args.built ? 'built app, start-app.sh heap bound' : 'from sources, TypeScript loader'})`, rssMb.toFixed(0)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\ningest-e2e (${cpus().length} cores, all servers local)\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  if (e2e.pgRows !== args.readings || cassandraRows !== args.readings) {
    process.stdout.write('WARNING: row counts differ from the readings produced\n');
    process.exitCode = 1;
  }
}

/**
 * Where the cores went: core-ms per 1,000 readings for each server and the Node side, in the
 * ceiling run and end to end, and the rate the machine's cores allow at that cost (all cores
 * busy with nothing else).
 */
function printCpuSplit(ceiling: CpuUse, e2e: CpuUse): void {
  const cores = cpus().length;
  const per1000 = (u: CpuUse, name: string): string => (name in u.ms ? ((u.ms[name]! * 1000) / u.readings).toFixed(0) : '-');
  const total = (u: CpuUse): number => (Object.values(u.ms).reduce((a, b) => a + b, 0) * 1000) / u.readings;
  const names = [...new Set([...Object.keys(ceiling.ms), ...Object.keys(e2e.ms)])];
  const rows: [string, string, string][] = [
    ...names.map((n): [string, string, string] => [n, per1000(ceiling, n), per1000(e2e, n)]),
    ['total', total(ceiling).toFixed(0), total(e2e).toFixed(0)],
    [`readings/s ${cores} cores allow at that cost`, ((cores * 1_000_000) / total(ceiling)).toFixed(0), ((cores * 1_000_000) / total(e2e)).toFixed(0)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\nwhere the CPU went, core-ms per 1,000 readings   ${'storage ceiling'.padStart(16)} ${'end to end'.padStart(12)}\n`);
  for (const [k, a, b] of rows) process.stdout.write(`${k.padEnd(Math.max(w, 46))}  ${a.padStart(16)} ${b.padStart(12)}\n`);
}

async function cleanUp(b: Bench, child: ChildApp | undefined): Promise<void> {
  if (child) await child.stop().catch(() => undefined);
  await b.producer.disconnect().catch(() => undefined);
  await b.pg.end().catch(() => undefined);
  await b.stack.cleanup().catch((e: unknown) => log(`cleanup: ${String(e)}`));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const b = await prepare(args);
  let child: ChildApp | undefined;
  try {
    log(`bench: ${args.readings} readings from ${args.sensors} sensors; stack ${b.stack.env.POSTGRES_DB}`);
    const ceiling = await storageCeiling(b.stack, args);
    child = await startConsumingApp(b);
    const token = await viewerToken(b);
    const e2e = await measureEndToEnd(b, child, token);
    const cassandraRows = await countCassandraRows(child, token, e2e.fleet);
    const rate = e2e.rate / 2;
    const latency = await measureLatency(b, child, rate);
    await printReport(args, ceiling, e2e, cassandraRows, rate, latency, child.memory().peakMb);
    printCpuSplit(ceiling.cpu, e2e.cpu);
    if (args.rules > 0) {
      const side = await measureRulesSideBySide(b, child, token);
      process.stdout.write(`\nalarm rules side by side (same app, ${args.readings} readings each, readings after the rules' creation):\n`);
      process.stdout.write(`end-to-end ingest without enabled rules, readings/s  ${side.without.toFixed(0)}\n`);
      process.stdout.write(`end-to-end ingest with ${args.rules} enabled rules, readings/s  ${side.with.toFixed(0)}\n`);
      process.stdout.write(`  with / without  ${(side.with / side.without).toFixed(3)}\n`);
    }
    if (args.soak > 0) {
      const curve = await soak(b, child, e2e.rate * 0.8, args.soak);
      process.stdout.write(`\nsoak at ${(e2e.rate * 0.8).toFixed(0)} readings/s (80 % of the end-to-end rate), RSS every 10 s:\n`);
      process.stdout.write(`${curve.map((p) => `${p.t}s ${p.rssMb.toFixed(0)}`).join(', ')}\n`);
      const minute = (from: number, to: number) => curve.filter((p) => p.t > from && p.t <= to).map((p) => p.rssMb);
      const avg = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
      const first = minute(60, 120);
      const last = minute(args.soak - 60, args.soak);
      process.stdout.write(`peak RSS ${child.memory().peakMb.toFixed(0)} MB; mean RSS 2nd minute ${avg(first).toFixed(0)} MB, last minute ${avg(last).toFixed(0)} MB\n`);
    }
  } finally {
    await cleanUp(b, child);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
