/**
 * Registry query latency with 100,000 registered sensors (and their 100,000 metadata
 * documents): nearest-10 within 1 km of a random point, and `meta.<path>=` filters, measured
 * through the HTTP API of an in-process data-processing app (token check, validation, JSON
 * included) and at the store port; plus the same metadata filter asked of MongoDB directly,
 * which is why the registry answers it from its PostgreSQL copy.
 *
 *   npm run bench:registry -- [--sensors 100000] [--queries 500] [--mongo-queries 5]
 *
 * Uses its own database, keyspace, MongoDB database and topics (removed at the end); needs
 * the local stack (infra/local/stack up). Prints p50/p99/max per query and the load average.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Role, TokenService } from '@smartgrid/auth';
import { SENSORS_STORE, SensorsStore } from '@smartgrid/registry';
import { setupTestStack } from '@smartgrid/testing';
import type { Connection } from 'mongoose';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createApp, startApp } from '../apps/data-processing/src/data-processing.app';
import { numberOptions, positiveInteger } from './support/bench.args';

interface Options {
  sensors: number;
  queries: number;
  'mongo-queries': number;
}

function parseArgs(argv: string[]): Options {
  return numberOptions<Options>(argv, { sensors: 100_000, queries: 500, 'mongo-queries': 5 }, positiveInteger);
}

/** Sensors spread uniformly over a 0.3° × 0.3° box around Tirana (about 25 × 33 km). */
const BOX = { lat: 41.18, lon: 19.67, size: 0.3 };
const FIRMWARES = 50; // meta.firmware matches 2 % of the fleet
const FEEDERS = 100; // meta.tags matches 1 %

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; max: number; n: number }> {
  for (let i = 0; i < Math.min(20, n); i++) await run(-1 - i); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1]!, n };
}

/** A deterministic pseudo-random sequence (the same points every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function seed(ds: DataSource, mongo: Connection, n: number): Promise<void> {
  await ds.query(
    `INSERT INTO sensors (id, sensor_type, unit, status, location, metadata_search, metadata_rev, name)
     SELECT 'B-' || lpad(i::text, 6, '0'), CASE WHEN i % 3 = 0 THEN 'current' ELSE 'voltage' END, 'V', 'active',
            ST_SetSRID(ST_MakePoint($2::float8 + $4::float8 * ((i * 7919) % 100003) / 100003.0, $3::float8 + $4::float8 * ((i * 104729) % 99991) / 99991.0), 4326)::geography,
            jsonb_build_object('firmware', '2.' || (i % ${FIRMWARES}), 'tags', jsonb_build_array('feeder-' || (i % ${FEEDERS}), 'bench'),
                               'vendor', jsonb_build_object('name', 'v' || (i % 7)), 'serial', 'SN-' || i),
            1, 'Bench sensor ' || i
       FROM generate_series(1::bigint, $1::bigint) AS i`,
    [n, BOX.lon, BOX.lat, BOX.size],
  );
  await ds.query('ANALYZE sensors');
  const now = new Date();
  const docs = mongo.collection<{ _id: string }>('device_metadata');
  for (let i = 1; i <= n; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(n + 1, i + 5000); j++) {
      const id = `B-${String(j).padStart(6, '0')}`;
      batch.push({
        _id: `sensor:${id}`,
        kind: 'sensor',
        deviceId: id,
        metadata: { firmware: `2.${j % FIRMWARES}`, tags: [`feeder-${j % FEEDERS}`, 'bench'], vendor: { name: `v${j % 7}` }, serial: `SN-${j}` },
        rev: 1,
        updatedAt: now,
        updatedBy: 'bench',
      });
    }
    await docs.insertMany(batch, { ordered: false });
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const stack = await setupTestStack({ INGEST_ENABLED: 'false', POSTGRES_POOL_SIZE: '10' });
  let app: INestApplication | undefined;
  try {
    app = await createApp({ env: stack.env, logger: ['error', 'warn'] });
    const port = await startApp(app, 0);
    const base = `http://127.0.0.1:${port}`;
    const token = (await app.get(TokenService).issue({ userId: 'bench', username: 'bench', role: Role.Viewer })).accessToken;
    const ds = app.get(DataSource);
    const mongo = app.get<Connection>(getConnectionToken());
    await mongo.asPromise();
    const sensors = app.get<SensorsStore>(SENSORS_STORE);

    let t = performance.now();
    await seed(ds, mongo, opts.sensors);
    const seeded = (performance.now() - t) / 1000;
    const [{ n }] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM sensors');
    const docs = await mongo.collection('device_metadata').estimatedDocumentCount();
    console.log(`seeded ${n} sensors and ${docs} metadata documents in ${seeded.toFixed(1)} s`);

    const http = async (query: string, expectItems?: (n: number) => boolean): Promise<void> => {
      const res = await fetch(`${base}/api/sensors?${query}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET ${query}: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { items: unknown[] };
      if (expectItems && !expectItems(body.items.length)) throw new Error(`GET ${query}: ${body.items.length} items`);
    };
    const point = lcg(42);
    const near = () => {
      // Points inside the box (with a 1 km margin), so every query has neighbours.
      const m = 0.015;
      return { lat: BOX.lat + m + point() * (BOX.size - 2 * m), lon: BOX.lon + m + point() * (BOX.size - 2 * m) };
    };
    const load0 = loadavg();
    const results: [string, Awaited<ReturnType<typeof timed>>][] = [];
    results.push([
      'nearest 10 within 1 km (HTTP)',
      await timed(opts.queries, () => {
        const p = near();
        return http(`near=${p.lat.toFixed(6)},${p.lon.toFixed(6)}&radius_m=1000&limit=10`, (k) => k === 10);
      }),
    ]);
    results.push([
      'nearest 10 within 1 km (store port)',
      await timed(opts.queries, () => {
        const p = near();
        return sensors.list({ near: { ...p, radiusM: 1000 }, sort: { field: 'distance', descending: false }, limit: 10 });
      }),
    ]);
    const fw = lcg(7);
    results.push([
      'meta.firmware=2.x, 2 % match, first 100 (HTTP)',
      await timed(opts.queries, () => http(`meta.firmware=2.${Math.floor(fw() * FIRMWARES)}&limit=100`, (k) => k === 100)),
    ]);
    results.push([
      'meta.tags=feeder-x & meta.vendor.name, 1 match in 700 (HTTP)',
      await timed(opts.queries, () => http(`meta.tags=feeder-${Math.floor(fw() * FEEDERS)}&meta.vendor.name=v${Math.floor(fw() * 7)}&limit=100`)),
    ]);
    results.push([
      'meta.serial=SN-x, 1 match (HTTP)',
      await timed(opts.queries, () => http(`meta.serial=SN-${1 + Math.floor(fw() * opts.sensors)}`, (k) => k === 1)),
    ]);
    const coll = mongo.collection('device_metadata');
    results.push([
      'same firmware filter asked of MongoDB, first 100',
      await timed(opts['mongo-queries'], () => coll.find({ 'metadata.firmware': `2.${Math.floor(fw() * FIRMWARES)}` }, { projection: { _id: 1 } }).limit(100).toArray()),
    ]);
    results.push([
      'same serial filter asked of MongoDB (1 match)',
      await timed(opts['mongo-queries'], () => coll.find({ 'metadata.serial': `SN-${1 + Math.floor(fw() * opts.sensors)}` }, { projection: { _id: 1 } }).toArray()),
    ]);
    const load1 = loadavg();

    const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
    console.log(`\nregistry queries over ${n} sensors / ${docs} documents (${cpus().length} CPUs)`);
    console.log(`${'query'.padEnd(64)} ${'n'.padStart(5)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}`);
    for (const [name, r] of results) console.log(`${name.padEnd(64)} ${String(r.n).padStart(5)} ${f(r.p50).padStart(9)} ${f(r.p99).padStart(9)} ${f(r.max).padStart(9)}`);
    console.log(`\nload average (1/5/15 min) before: ${load0.map((x) => x.toFixed(2)).join(' ')}, after: ${load1.map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await app?.close();
    await stack.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
