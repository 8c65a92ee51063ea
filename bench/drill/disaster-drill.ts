/**
 * The disaster drill at scale (default 1,000,000 readings), timed: both apps in-process on their
 * own database, keyspace, MongoDB database and topics of the local stack; phase 1 ingested →
 * `storage:cli backup` while phase 2 is produced → phase 3 → every store wiped → `storage:cli
 * restore` → apps restarted → catch-up → reconcile. Prints the figures and the machine state.
 *
 *   source .local/ports.env && npm run drill -- [--readings 1000000]
 *
 * Bounded: it produces exactly the readings asked for, to the loopback stack, and stops.
 */
import { StorageSyncService } from '@smartgrid/hybrid-storage';
import { prefixedTopic, TOPICS } from '@smartgrid/kafka';
import { appRoleEnv, createTestDatabase, dropKeyspace, dropMongoDatabase, dropTestDatabase, setupTestStack, TestStack } from '@smartgrid/testing';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { main as storageCli } from '../../apps/data-processing/src/cli/storage-cli.main';
import { AuditMirrorService } from '../../apps/user-management/src/audit/audit-mirror.service';
import { AuditVerifyService } from '../../apps/user-management/src/audit/audit-verify.service';
import { DrillApps, drillPgClient } from '../../test/support/drill-apps';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const READINGS = arg('readings', 1_000_000);
const SENSORS = 200;
const METERS = 50;
const BASE = Date.now() - 6 * 86_400_000;
const log = (s: string): void => void process.stderr.write(`[drill ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
/** Bytes of a file, or of every file under a directory. */
const bytesUnder = (path: string): number => {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  return st.isDirectory() ? readdirSync(path).reduce((a, f) => a + bytesUnder(join(path, f)), 0) : st.size;
};
const machine = (): string =>
  `${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join('/')}, memory ${(freemem() / 2 ** 30).toFixed(1)} of ${(totalmem() / 2 ** 30).toFixed(1)} GiB free`;

async function main(): Promise<void> {
  const stack: TestStack = await setupTestStack({ ADMIN_USERNAME: 'drill.admin', ADMIN_PASSWORD: 'Drill-Admin-Pass-2026!', LOG_LEVEL: 'warn' });
  // The storage CLI runs as data-processing's role; backup and restore use the owner role.
  Object.assign(process.env, stack.env, appRoleEnv('data-processing'));
  const dir = join(mkdtempSync(join(tmpdir(), 'sg-drill-')), 'backup');
  const figures: Record<string, string> = {};
  const apps = new DrillApps(() => stack.env, 300_000);
  let pg: Client | undefined;
  const kafka = new Kafka({ clientId: 'drill-producer', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const connectPg = (): Promise<Client> => drillPgClient(stack.env);
  const count = async (sql: string): Promise<number> => Number((await pg!.query<{ n: string }>(sql)).rows[0]!.n);
  let seq = 0;
  const produced = { sensor: 0, meter: 0, audit: 0 };
  /** `n` readings (4 sensor readings to 1 meter reading) and a few audit events. */
  const produce = async (n: number): Promise<void> => {
    const prefix = stack.env.KAFKA_TOPIC_PREFIX;
    let left = n;
    while (left > 0) {
      const sensor = [];
      const meter = [];
      for (let i = 0; i < 5000 && left > 0; i++, left--, seq++) {
        if (seq % 5 === 4) {
          const id = `DR-M-${seq % METERS}`;
          meter.push({ key: id, value: JSON.stringify({ meter_id: id, customer_id: `DR-C-${seq % 7}`, timestamp: new Date(BASE + seq * 100).toISOString(), energy_kwh: seq / 10 }) });
        } else {
          const id = `DR-S-${seq % SENSORS}`;
          sensor.push({ key: id, value: JSON.stringify({ sensor_id: id, sensor_type: 'voltage', value: 220 + (seq % 10), unit: 'V', timestamp: new Date(BASE + seq * 100).toISOString() }) });
        }
      }
      if (sensor.length) await producer.send({ topic: prefixedTopic(prefix, TOPICS.sensorData), acks: -1, messages: sensor });
      if (meter.length) await producer.send({ topic: prefixedTopic(prefix, TOPICS.meterReadings), acks: -1, messages: meter });
      produced.sensor += sensor.length;
      produced.meter += meter.length;
    }
    const audit = Array.from({ length: 20 }, (_, i) => ({
      key: `drill/${produced.audit + i}`,
      value: JSON.stringify({ actor: 'drill', action: 'drill.event', resource: `drill/${produced.audit + i}`, timestamp: new Date().toISOString(), metadata: {} }),
    }));
    await producer.send({ topic: prefixedTopic(prefix, TOPICS.auditEvents), acks: -1, messages: audit });
    produced.audit += audit.length;
  };
  const caughtUp = async (label: string): Promise<number> => {
    const t0 = Date.now();
    let last = 0;
    for (;;) {
      const s = await count('SELECT count(*) AS n FROM sensor_data');
      const m = await count('SELECT count(*) AS n FROM meter_readings');
      const a = await count("SELECT count(*) AS n FROM audit_log WHERE actor = 'drill'");
      if (s === produced.sensor && m === produced.meter && a === produced.audit) return Date.now() - t0;
      if (Date.now() - last > 15_000) {
        last = Date.now();
        log(`${label}: ${s + m} of ${produced.sensor + produced.meter} readings stored, ${a}/${produced.audit} audit events`);
      }
      if (Date.now() - t0 > 3 * 3_600_000) throw new Error(`${label}: not caught up after 3 h`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  try {
    log(`machine: ${machine()}`);
    await apps.start();
    await producer.connect();
    pg = await connectPg();
    const phase1 = Math.round(READINGS * 0.6);
    const phase2 = Math.round(READINGS * 0.2);
    const phase3 = READINGS - phase1 - phase2;

    let t = Date.now();
    await produce(phase1);
    const ingest1 = await caughtUp('phase 1');
    figures['phase 1 ingest'] = `${phase1} readings in ${((Date.now() - t) / 1000).toFixed(0)} s (${Math.round(phase1 / ((Date.now() - t) / 1000))}/s, produce + store)`;
    void ingest1;

    t = Date.now();
    const during = produce(phase2);
    const code = await storageCli(['backup', '--to', dir]);
    if (code !== 0) throw new Error(`backup exited ${code}`);
    figures['backup (while ingesting)'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      postgres: { bytes: number; durationMs: number; tables: Record<string, number> };
      cassandra: { durationMs: number; tables: Record<string, { rows: number }> };
      mongodb: { durationMs: number } | null;
      offsets: { groupId: string; topics: { partitions: { offset: string }[] }[] }[];
    };
    figures['backup postgres'] = `${(manifest.postgres.durationMs / 1000).toFixed(1)} s, ${manifest.postgres.tables.sensor_data} sensor + ${manifest.postgres.tables.meter_readings} meter rows, dump ${(manifest.postgres.bytes / 2 ** 20).toFixed(1)} MiB`;
    figures['backup cassandra'] = `${(manifest.cassandra.durationMs / 1000).toFixed(1)} s, ${Object.values(manifest.cassandra.tables).reduce((a, b) => a + b.rows, 0)} rows`;
    figures['backup mongodb'] = `${((manifest.mongodb?.durationMs ?? 0) / 1000).toFixed(1)} s`;
    const sizes = { postgres: bytesUnder(join(dir, 'postgres.dump')), cassandra: bytesUnder(join(dir, 'cassandra')), mongodb: bytesUnder(join(dir, 'mongodb')) };
    figures['backup size'] = `${mib(sizes.postgres + sizes.cassandra + sizes.mongodb)} MiB: PostgreSQL dump ${mib(sizes.postgres)}, Cassandra export ${mib(sizes.cassandra)}, MongoDB export ${mib(sizes.mongodb)}`;
    const atOffsets = manifest.offsets
      .filter((g) => g.groupId.endsWith('smartgrid-data-processing'))
      .flatMap((g) => g.topics.flatMap((x) => x.partitions.map((p) => Math.max(0, Number(p.offset)))))
      .reduce((a, b) => a + b, 0);
    await during;
    await produce(phase3);
    t = Date.now();
    await caughtUp('phases 2-3');
    await apps.um.get(AuditMirrorService).flush();
    log(`all ${READINGS} readings stored; wiping every store`);

    await apps.stop();
    await pg.end();
    pg = undefined;
    t = Date.now();
    await dropTestDatabase(stack.env.POSTGRES_DB);
    await createTestDatabase(stack.env.POSTGRES_DB);
    await dropKeyspace(stack.env);
    await dropMongoDatabase(stack.env);
    figures.wipe = `${((Date.now() - t) / 1000).toFixed(1)} s`;

    t = Date.now();
    const restored = await storageCli(['restore', '--from', dir]);
    if (restored !== 0) throw new Error(`restore exited ${restored}`);
    figures.restore = `${((Date.now() - t) / 1000).toFixed(1)} s (see the per-store lines above)`;

    t = Date.now();
    pg = await connectPg();
    await apps.start();
    const catchUp = await caughtUp('catch-up');
    const redelivered = READINGS - atOffsets;
    figures['restart + catch-up (Kafka re-delivery since the backup)'] =
      `${((Date.now() - t) / 1000).toFixed(1)} s (caught up ${(catchUp / 1000).toFixed(1)} s after the apps were ready: ${redelivered} readings after the recorded offsets, ${Math.round(redelivered / (catchUp / 1000))}/s)`;

    t = Date.now();
    const report = await apps.dp.get(StorageSyncService).reconcile({ from: new Date(BASE - 3_600_000), to: new Date(Date.now() + 3_600_000), concurrency: 8 });
    figures.reconcile = `${((Date.now() - t) / 1000).toFixed(1)} s: ${report.totals.units} units, out of sync ${report.totals.outOfSync}, rows postgres ${report.totals.rows.postgres}, cassandra ${report.totals.rows.cassandra}`;
    const verify = await apps.um.get(AuditVerifyService).verify();
    const conn = mongoose.createConnection(`mongodb://${stack.env.MONGODB_HOST}:${stack.env.MONGODB_PORT}/${stack.env.MONGODB_DB}`, { directConnection: true });
    await conn.asPromise();
    let mongoDocs = 0;
    const pgAudit = await count('SELECT count(*) AS n FROM audit_log');
    for (let i = 0; i < 120; i++) {
      await apps.um.get(AuditMirrorService).flush();
      mongoDocs = await conn.db!.collection('audit_log').countDocuments();
      if (mongoDocs === pgAudit) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await conn.close();
    figures['audit chain'] = `${verify.valid ? 'verifies' : 'BROKEN'}; PostgreSQL ${pgAudit} entries, MongoDB copy ${mongoDocs}`;
    figures.result =
      report.totals.outOfSync === 0 && report.totals.rows.postgres === READINGS && report.totals.rows.cassandra === READINGS && verify.valid && mongoDocs === pgAudit
        ? `OK: ${READINGS} readings in both stores exactly once`
        : 'FAILED';
    figures.machine = machine();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await apps.stop().catch(() => undefined);
    rmSync(join(dir, '..'), { recursive: true, force: true });
    await stack.cleanup().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
  process.stdout.write(`\nDisaster drill, ${READINGS} readings (${SENSORS} sensors, ${METERS} meters)\n`);
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(58)} ${v}\n`);
  if (figures.result?.startsWith('OK') !== true) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`drill failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
