import { StorageSyncService } from '@smartgrid/hybrid-storage';
import { prefixedTopic, TOPICS } from '@smartgrid/kafka';
import { APP_ROLES, appRoleEnv, createTestDatabase, dropKeyspace, dropMongoDatabase, dropTestDatabase, setupTestStack, TestStack, waitFor } from '@smartgrid/testing';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { main as storageCli } from '../../apps/data-processing/src/cli/storage-cli.main';
import { AuditMirrorService } from '../../apps/user-management/src/audit/audit-mirror.service';
import { AuditVerifyService } from '../../apps/user-management/src/audit/audit-verify.service';
import { DrillApps, drillPgClient } from '../support/drill-apps';

const SENSORS = 20;
const METERS = 10;
const BASE = Date.now() - 6 * 3_600_000;

/**
 * The disaster drill, small: both apps ingesting → `storage:cli backup` while readings keep
 * arriving → more ingest → every store wiped (PostgreSQL database, Cassandra keyspace, MongoDB
 * database) → `storage:cli restore` → apps started again. After catch-up every reading ever
 * produced is in both stores exactly once, reconcile finds no difference, the audit chain
 * verifies and MongoDB's audit copy is complete. The same sequence, at 1,000,000 readings, is
 * the README's drill.
 */
describe('disaster drill: backup, wipe, restore, catch up (real servers)', () => {
  let stack: TestStack;
  const apps = new DrillApps(() => stack.env, 120_000);
  let producer: Producer;
  let pg: Client | undefined;
  let dir: string;
  let produced = { sensor: 0, meter: 0, audit: 0 };
  let seq = 0;

  const connectPg = (): Promise<Client> => drillPgClient(stack.env);
  const count = async (sql: string): Promise<number> => Number((await pg!.query<{ n: string }>(sql)).rows[0]!.n);
  /** Owner and privileges of every table, sequence and function of the schema (extensions' own excepted). */
  const privileges = async (): Promise<{ kind: string; name: string; owner: string; acl: string | null }[]> =>
    (
      await pg!.query<{ kind: string; name: string; owner: string; acl: string | null }>(
        `SELECT 'relation' AS kind, c.relname::text AS name, c.relowner::regrole::text AS owner,
                (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(c.relacl) a) AS acl
           FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
         UNION ALL
         SELECT 'function', p.oid::regprocedure::text, p.proowner::regrole::text,
                (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(p.proacl) a)
           FROM pg_proc p
          WHERE p.pronamespace = 'public'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
          ORDER BY 1, 2`,
      )
    ).rows;

  /** `perSensor` new readings for every sensor and meter, and `audits` audit events. */
  const produce = async (perSensor: number, audits: number): Promise<void> => {
    const sensorMessages = [];
    const meterMessages = [];
    for (let i = 0; i < perSensor; i++, seq++) {
      for (let s = 0; s < SENSORS; s++) {
        const id = `DR-S-${s}`;
        sensorMessages.push({ key: id, value: JSON.stringify({ sensor_id: id, sensor_type: 'voltage', value: 220 + (seq % 10), unit: 'V', timestamp: new Date(BASE + seq * 1000).toISOString() }) });
      }
      for (let m = 0; m < METERS; m++) {
        const id = `DR-M-${m}`;
        meterMessages.push({ key: id, value: JSON.stringify({ meter_id: id, customer_id: `DR-C-${m % 3}`, timestamp: new Date(BASE + seq * 1000).toISOString(), energy_kwh: 1000 + seq }) });
      }
    }
    const audit = Array.from({ length: audits }, (_, i) => ({
      key: `drill/${produced.audit + i}`,
      value: JSON.stringify({ actor: 'drill', action: 'drill.event', resource: `drill/${produced.audit + i}`, timestamp: new Date().toISOString(), metadata: { n: produced.audit + i } }),
    }));
    const prefix = stack.env.KAFKA_TOPIC_PREFIX;
    for (let i = 0; i < sensorMessages.length; i += 500) await producer.send({ topic: prefixedTopic(prefix, TOPICS.sensorData), acks: -1, messages: sensorMessages.slice(i, i + 500) });
    await producer.send({ topic: prefixedTopic(prefix, TOPICS.meterReadings), acks: -1, messages: meterMessages });
    if (audit.length) await producer.send({ topic: prefixedTopic(prefix, TOPICS.auditEvents), acks: -1, messages: audit });
    produced = { sensor: produced.sensor + sensorMessages.length, meter: produced.meter + meterMessages.length, audit: produced.audit + audits };
  };

  const caughtUp = async (): Promise<void> => {
    await waitFor(
      async () =>
        (await count('SELECT count(*) AS n FROM sensor_data')) === produced.sensor &&
        (await count('SELECT count(*) AS n FROM meter_readings')) === produced.meter &&
        (await count("SELECT count(*) AS n FROM audit_log WHERE actor = 'drill'")) === produced.audit,
      240_000,
      500,
      'every produced reading and audit event stored',
    );
  };

  beforeAll(async () => {
    stack = await setupTestStack({ ADMIN_USERNAME: 'drill.admin', ADMIN_PASSWORD: 'Drill-Admin-Pass-2026!', INGEST_MAX_WAIT_MS: '50' });
    // The storage CLI runs as data-processing's role; backup and restore use the owner role.
    Object.assign(process.env, stack.env, appRoleEnv('data-processing'));
    dir = join(mkdtempSync(join(tmpdir(), 'sg-drill-')), 'backup');
    const kafka = new Kafka({ clientId: 'drill-producer', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    await apps.start();
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    pg = await connectPg();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await apps.stop().catch(() => undefined);
    rmSync(join(dir, '..'), { recursive: true, force: true });
    await stack?.cleanup();
  });

  it('loses nothing and duplicates nothing', async () => {
    await produce(50, 30);
    await caughtUp();

    // The backup runs while more readings arrive.
    const during = produce(50, 10);
    expect(await storageCli(['backup', '--to', dir])).toBe(0);
    await during;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      postgres: { tables: Record<string, number> };
      cassandra: { tables: Record<string, { rows: number }> };
      mongodb: { collections: Record<string, { documents: number }> };
      offsets: { groupId: string }[];
    };
    expect(manifest.postgres.tables.sensor_data).toBeGreaterThanOrEqual(50 * SENSORS);
    expect(manifest.cassandra.tables.sensor_readings_by_day!.rows).toBeGreaterThanOrEqual(50 * SENSORS);
    expect(Object.keys(manifest.mongodb.collections).length).toBeGreaterThan(0);
    expect(manifest.offsets.map((o) => o.groupId)).toEqual([`${stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`, `${stack.env.KAFKA_TOPIC_PREFIX}smartgrid-user-management`]);

    await produce(40, 20);
    await caughtUp();
    await apps.um.get(AuditMirrorService).flush();
    const auditEntries = await count('SELECT count(*) AS n FROM audit_log');
    const privilegesBefore = await privileges();
    expect(privilegesBefore.find((p) => p.name === 'audit_log')?.owner).toBe(APP_ROLES.owner);

    // Disaster: every store is wiped.
    await apps.stop();
    await pg!.end();
    pg = undefined;
    await dropTestDatabase(stack.env.POSTGRES_DB);
    await createTestDatabase(stack.env.POSTGRES_DB);
    await dropKeyspace(stack.env);
    await dropMongoDatabase(stack.env);

    // A restore refuses a backup that does not check out, and then restores this one.
    expect(await storageCli(['restore', '--from', join(dir, 'nowhere')]).catch((e: Error) => e.message)).toMatch(/not a backup directory/);
    expect(await storageCli(['restore', '--from', dir])).toBe(0);
    pg = await connectPg();
    // Everything up to the backup is back before any app runs, owned by the owner role with the
    // app roles' grants as they were (and SECURITY DEFINER functions still closed to PUBLIC).
    expect(await count('SELECT count(*) AS n FROM sensor_data')).toBe(manifest.postgres.tables.sensor_data);
    expect(await privileges()).toEqual(privilegesBefore);
    // MongoDB's audit copy is not ahead of PostgreSQL's chain (the events re-delivered after the
    // backup are appended again with the next sequence numbers, which MongoDB must not hold).
    const pgHead = await count('SELECT coalesce(max(seq), 0) AS n FROM audit_log');
    const mirror = mongoose.createConnection(`mongodb://${stack.env.MONGODB_HOST}:${stack.env.MONGODB_PORT}/${stack.env.MONGODB_DB}`, { directConnection: true });
    try {
      await mirror.asPromise();
      expect(await mirror.db!.collection('audit_log').countDocuments({ seq: { $gt: pgHead } })).toBe(0);
    } finally {
      await mirror.close();
    }
    // A second restore into the now non-empty stores is refused without --force.
    expect(await storageCli(['restore', '--from', dir]).catch((e: Error) => e.message)).toMatch(/refusing to restore into stores that are not empty/);

    await apps.start();
    await caughtUp();
    expect(await count('SELECT count(*) AS n FROM sensor_data')).toBe(produced.sensor);
    expect(await count('SELECT count(*) AS n FROM meter_readings')).toBe(produced.meter);

    const report = await apps.dp.get(StorageSyncService).reconcile({ from: new Date(BASE - 3_600_000), to: new Date(Date.now() + 3_600_000) });
    expect(report.totals).toMatchObject({
      outOfSync: 0,
      rows: { postgres: produced.sensor + produced.meter, cassandra: produced.sensor + produced.meter },
      missingIn: { postgres: 0, cassandra: 0 },
      mismatched: 0,
    });

    const verify = await apps.um.get(AuditVerifyService).verify();
    expect(verify.valid).toBe(true);
    const entriesNow = await count('SELECT count(*) AS n FROM audit_log');
    expect(entriesNow).toBeGreaterThanOrEqual(auditEntries);
    // MongoDB's copy of the audit log is complete again.
    const conn = mongoose.createConnection(`mongodb://${stack.env.MONGODB_HOST}:${stack.env.MONGODB_PORT}/${stack.env.MONGODB_DB}`, { directConnection: true });
    try {
      await conn.asPromise();
      await waitFor(
        async () => {
          await apps.um.get(AuditMirrorService).flush();
          return (await conn.db!.collection('audit_log').countDocuments()) === (await count('SELECT count(*) AS n FROM audit_log'));
        },
        120_000,
        500,
        "MongoDB's audit copy complete",
      );
    } finally {
      await conn.close();
    }
  }, 900_000);
});
