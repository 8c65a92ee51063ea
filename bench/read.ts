/**
 * `npm run bench:read`: latency of the reads a chart or an export makes, through the API and,
 * side by side in the same run, the same query by the raw driver (the ceiling), with the
 * ratio:
 *
 *   day stream  one sensor-day of 1 Hz data (86,400 points) as NDJSON, from Cassandra and from
 *               PostgreSQL; raw: the same rows read with the driver (paged) and serialised
 *   json page   10,000 readings as one JSON page, from each store; raw: the same query
 *   15m month   31 days at 15-minute steps (step=15m); raw: the SQL over the 5-minute level
 *   1h year     a year of hourly aggregates (step=1h); raw: the SQL over the hourly level
 *
 *   npm run bench:read -- [--runs 20] [--days 31]
 *
 * It loads `--days` days of 1 Hz readings for one sensor through the hybrid storage (both
 * stores), and a year of hourly aggregates for a second sensor, into its own database,
 * keyspace and topics (dropped at the end). The app runs in-process without ingest.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Role, TokenService } from '@smartgrid/auth';
import { CASSANDRA_CLIENT } from '@smartgrid/cassandra';
import { HybridStorageService, SensorReading } from '@smartgrid/hybrid-storage';
import { setupTestStack, TestStack } from '@smartgrid/testing';
import { Client as CassandraClient } from 'cassandra-driver';
import { DataSource } from 'typeorm';
import { createApp, startApp } from '../apps/data-processing/src/data-processing.app';
import { numberOptions, positiveInteger } from './support/bench.args';

interface Args {
  runs: number;
  days: number;
}

interface Bench {
  args: Args;
  stack: TestStack;
  app: INestApplication;
  base: string;
  token: string;
  sensor: string;
  yearSensor: string;
  /** The last loaded day: [dayStart, dayStart + 1 day). */
  dayStart: number;
  loadStart: number;
}

interface Row {
  read: string;
  points: number;
  api: number[];
  raw: number[];
}

const DAY = 86_400_000;

function parseArgs(argv: string[]): Args {
  return numberOptions<Args>(argv, { runs: 20, days: 31 }, positiveInteger);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeRuns(runs: number, fn: () => Promise<number>): Promise<{ ms: number[]; points: number }> {
  await fn(); // warm-up (plans, prepared statements, caches)
  const ms: number[] = [];
  let points = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    points = await fn();
    ms.push(performance.now() - t);
  }
  return { ms: ms.sort((x, y) => x - y), points };
}

async function prepare(args: Args): Promise<Bench> {
  const stack = await setupTestStack({ INGEST_ENABLED: 'false', LOG_LEVEL: 'error', POSTGRES_POOL_SIZE: '10' });
  const app = await createApp({ env: stack.env, logger: ['error'] });
  const port = await startApp(app, 0);
  const token = (await app.get(TokenService).issue({ userId: 'bench', username: 'bench', role: Role.Viewer })).accessToken;
  const loadStart = Math.floor(Date.now() / DAY) * DAY - args.days * DAY;
  return { args, stack, app, base: `http://127.0.0.1:${port}`, token, sensor: 'BR-1HZ', yearSensor: 'BR-YEAR', dayStart: loadStart + (args.days - 1) * DAY, loadStart };
}

/** `days` of 1 Hz readings through the hybrid storage (both stores, as ingest writes them). */
async function loadReadings(b: Bench): Promise<void> {
  const storage = b.app.get(HybridStorageService);
  const total = b.args.days * 86_400;
  const batch = 5000;
  const started = Date.now();
  for (let i = 0; i < total; i += batch) {
    const rows: SensorReading[] = Array.from({ length: Math.min(batch, total - i) }, (_, k) => ({
      sensorId: b.sensor,
      sensorType: 'voltage',
      value: 230 + Math.sin((i + k) / 600) * 5,
      unit: 'V',
      timestamp: new Date(b.loadStart + (i + k) * 1000),
    }));
    await storage.storeSensorDataBatch(rows);
    if ((i / batch) % 40 === 0) process.stderr.write(`\rloaded ${i + rows.length}/${total} readings (${Math.round((i + rows.length) / ((Date.now() - started) / 1000))}/s)`);
  }
  process.stderr.write(`\rloaded ${total} readings in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** A year of hourly aggregates for the second sensor, written straight into the level the API reads. */
async function loadYearOfHours(b: Bench): Promise<void> {
  const ds = b.app.get(DataSource);
  const start = Math.floor(Date.now() / DAY) * DAY - 365 * DAY;
  await ds.query(
    `INSERT INTO sensor_aggregates (sensor_id, bucket_interval, bucket_start, count, min, max, sum)
     SELECT $1, 'hour', h, 3600, 225, 235, 3600 * 230 FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') AS h`,
    [b.yearSensor, new Date(start).toISOString(), new Date(start + 365 * DAY).toISOString()],
  );
}

async function apiGet(b: Bench, path: string, query: Record<string, string>): Promise<string> {
  const url = new URL(path, b.base);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${b.token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url.pathname}: ${res.status} ${text.slice(0, 200)}`);
  return text;
}

const lines = (text: string): number => text.split('\n').filter(Boolean).length;

async function dayStream(b: Bench, source: 'cassandra' | 'postgres'): Promise<Row> {
  const query = { from: new Date(b.dayStart).toISOString(), to: new Date(b.dayStart + DAY).toISOString(), format: 'ndjson', source };
  const api = await timeRuns(b.args.runs, async () => lines(await apiGet(b, `/api/sensors/${b.sensor}/readings`, query)));
  let raw: { ms: number[]; points: number };
  if (source === 'cassandra') {
    const client = b.app.get<CassandraClient>(CASSANDRA_CLIENT);
    const day = new Date(b.dayStart).toISOString().slice(0, 10);
    raw = await timeRuns(b.args.runs, async () => {
      let n = 0;
      let out = '';
      const rs = await client.execute('SELECT ts, sensor_type, value, unit FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ?', [b.sensor, day], {
        prepare: true,
        fetchSize: 5000,
      });
      for await (const r of rs) {
        out += `${JSON.stringify({ timestamp: r.get('ts'), value: r.get('value'), sensorType: r.get('sensor_type'), unit: r.get('unit') })}\n`;
        n++;
      }
      return out.length > 0 ? n : 0;
    });
  } else {
    const ds = b.app.get(DataSource);
    raw = await timeRuns(b.args.runs, async () => {
      const rows: { ts: Date; value: number; unit: string }[] = await ds.query(
        'SELECT ts, value, unit FROM sensor_data WHERE sensor_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC',
        [b.sensor, query.from, query.to],
      );
      return rows.map((r) => `${JSON.stringify({ timestamp: r.ts, value: r.value, unit: r.unit })}\n`).join('').length > 0 ? rows.length : 0;
    });
  }
  return { read: `day stream (ndjson) ${source}`, points: api.points, api: api.ms, raw: raw.ms };
}

async function jsonPage(b: Bench, source: 'cassandra' | 'postgres'): Promise<Row> {
  const query = { from: new Date(b.dayStart).toISOString(), to: new Date(b.dayStart + DAY).toISOString(), limit: '10000', source };
  const api = await timeRuns(b.args.runs, async () => (JSON.parse(await apiGet(b, `/api/sensors/${b.sensor}/readings`, query)) as { count: number }).count);
  let raw: { ms: number[]; points: number };
  if (source === 'cassandra') {
    const client = b.app.get<CassandraClient>(CASSANDRA_CLIENT);
    const day = new Date(b.dayStart).toISOString().slice(0, 10);
    raw = await timeRuns(b.args.runs, async () => {
      const rs = await client.execute('SELECT ts, sensor_type, value, unit FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? LIMIT 10000', [b.sensor, day], {
        prepare: true,
        fetchSize: 10000,
      });
      return JSON.stringify(rs.rows.map((r) => ({ timestamp: r.get('ts'), value: r.get('value') }))).length > 0 ? rs.rows.length : 0;
    });
  } else {
    const ds = b.app.get(DataSource);
    raw = await timeRuns(b.args.runs, async () => {
      const rows: unknown[] = await ds.query('SELECT ts, value, unit FROM sensor_data WHERE sensor_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC LIMIT 10000', [b.sensor, query.from, query.to]);
      return JSON.stringify(rows).length > 0 ? rows.length : 0;
    });
  }
  return { read: `json page 10,000 ${source}`, points: api.points, api: api.ms, raw: raw.ms };
}

async function steps(b: Bench, read: string, sensor: string, step: string, from: number, to: number, rawSql: string, rawParams: unknown[]): Promise<Row> {
  const query = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), step };
  const api = await timeRuns(b.args.runs, async () => (JSON.parse(await apiGet(b, `/api/sensors/${sensor}/readings`, query)) as { count: number }).count);
  const ds = b.app.get(DataSource);
  const raw = await timeRuns(b.args.runs, async () => ((await ds.query(rawSql, rawParams)) as unknown[]).length);
  return { read, points: api.points, api: api.ms, raw: raw.ms };
}

function printReport(b: Bench, rows: Row[]): void {
  const head = ['read', 'points', 'api p50', 'api p99', 'raw p50', 'raw p99', 'api/raw (p50)'];
  const cells = rows.map((r) => [
    r.read,
    r.points.toLocaleString('en'),
    `${pct(r.api, 50).toFixed(1)} ms`,
    `${pct(r.api, 99).toFixed(1)} ms`,
    `${pct(r.raw, 50).toFixed(1)} ms`,
    `${pct(r.raw, 99).toFixed(1)} ms`,
    `${(pct(r.api, 50) / pct(r.raw, 50)).toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\nread bench: ${b.args.runs} runs each after a warm-up, ${b.args.days} days of 1 Hz data loaded\n`);
  process.stdout.write(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const b = await prepare(args);
  try {
    await loadReadings(b);
    await loadYearOfHours(b);
    const end = b.loadStart + args.days * DAY;
    const yearStart = Math.floor(Date.now() / DAY) * DAY - 365 * DAY;
    const origin = "TIMESTAMPTZ '2000-01-01 00:00:00+00'";
    const rows = [
      await dayStream(b, 'cassandra'),
      await dayStream(b, 'postgres'),
      await jsonPage(b, 'cassandra'),
      await jsonPage(b, 'postgres'),
      await steps(
        b,
        `15m steps over ${Math.min(args.days, 31)} days`,
        b.sensor,
        '15m',
        end - Math.min(args.days, 31) * DAY,
        end,
        `SELECT date_bin('15 minutes', bucket_start, ${origin}) AS b, sum(count), min(min), max(max), sum(sum) FROM sensor_aggregates
          WHERE sensor_id = $1 AND bucket_interval = '5m' AND bucket_start >= $2 AND bucket_start < $3 GROUP BY 1 ORDER BY 1`,
        [b.sensor, new Date(end - Math.min(args.days, 31) * DAY).toISOString(), new Date(end).toISOString()],
      ),
      await steps(
        b,
        '1h steps over a year',
        b.yearSensor,
        '1h',
        yearStart,
        yearStart + 365 * DAY,
        `SELECT bucket_start, count, min, max, sum FROM sensor_aggregates WHERE sensor_id = $1 AND bucket_interval = 'hour' AND bucket_start >= $2 AND bucket_start < $3 ORDER BY 1`,
        [b.yearSensor, new Date(yearStart).toISOString(), new Date(yearStart + 365 * DAY).toISOString()],
      ),
    ];
    printReport(b, rows);
  } finally {
    await b.app.close();
    await b.stack.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:read: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
