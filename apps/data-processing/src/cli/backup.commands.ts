import { INestApplicationContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { buildClientOptions, CASSANDRA_CLIENT, exportKeyspace, fileSha256, importKeyspace, nonEmptyTables, truncateKeyspace } from '@smartgrid/cassandra';
import type { ExportedTable } from '@smartgrid/cassandra';
import { cassandraConfig, kafkaConfig, mongoConfig, postgresConfig, validateEnvironment } from '@smartgrid/config';
import { AuditEventsPublisher, KAFKA_ADMIN, readGroupOffsets, rewindGroups, TOPICS, prefixedTopic } from '@smartgrid/kafka';
import type { GroupOffsets, RewindReport } from '@smartgrid/kafka';
import { AUDIT_COLLECTION, exportMongoDatabase, importMongoDatabase, mongoCounts, nonEmptyCollections } from '@smartgrid/mongo';
import type { ExportedCollection } from '@smartgrid/mongo';
import { dumpPostgres, postgresCounts, postgresTableCount, restorePostgres } from '@smartgrid/postgres';
import type { PostgresTarget, TableCounts } from '@smartgrid/postgres';
import { Client } from 'cassandra-driver';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import type { Admin } from 'kafkajs';
import { join, resolve } from 'path';
import { ingestGroupId, readIngestSettings } from '../ingest/ingest.settings';
import { StorageCliModule } from './storage-cli.module';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

/** MongoDB collections that copy PostgreSQL tables (exported before the dump, see runBackup). */
const MIRRORS_OF_POSTGRES = [AUDIT_COLLECTION];

/**
 * What a backup directory holds, and what a restore checks it against:
 * - `postgres.dump`: pg_dump custom format of the whole database (readings, aggregates,
 *   registry, users, the audit chain, the replication backlog and quarantine), with the row
 *   count of every table at the dump's snapshot;
 * - `cassandra/<table>.jsonl`: a paged CQL export of every table of the keyspace, each cell
 *   with its write time and TTL;
 * - `mongodb/<collection>.ejson`: every collection as canonical Extended JSON, with indexes;
 * - the consumer groups' committed offsets, read *before* any store was copied: every record
 *   up to them is in the copies, so rewinding the groups to them after a restore and letting
 *   Kafka re-deliver the rest loses nothing (the overlap is harmless: writes are idempotent).
 */
export interface BackupManifest {
  version: number;
  startedAt: string;
  finishedAt: string;
  source: { postgresDatabase: string; cassandraKeyspace: string; mongodbDatabase: string | null; kafkaTopicPrefix: string };
  offsets: GroupOffsets[];
  postgres: { file: string; bytes: number; sha256: string; tables: TableCounts; durationMs: number };
  cassandra: { dir: string; exportedAt: string; tables: Record<string, ExportedTable>; durationMs: number };
  mongodb: { dir: string; collections: Record<string, ExportedCollection>; durationMs: number } | null;
}

type Out = { log(line: string): void; progress(line: string): void };

/**
 * Backup and restore connect as the schema's owner (POSTGRES_MIGRATION_USER) when the apps run
 * as their own roles: only the owner reads every table (data-processing's role sees nothing of
 * users or the audit log), and objects a restore creates must belong to it, as migrations would
 * have made them (its SECURITY DEFINER functions run as their owner). Without it, as POSTGRES_USER.
 */
function pgTarget(): PostgresTarget {
  const c = postgresConfig();
  const owner = c.migrationUser && c.migrationUser !== c.user ? { user: c.migrationUser, password: c.migrationPassword ?? '' } : { user: c.user, password: c.password };
  return { host: c.host, port: c.port, database: c.database, ...owner };
}

/** MongoDB's URI, or null when MONGODB_HOST is not configured for this process. */
function mongoUri(): string | null {
  const c = mongoConfig();
  return c.host ? c.uri : null;
}

/** The consumer groups whose offsets a backup records, and the topics each reads. */
function consumerGroups(prefix: string): { groupId: string; topics: string[] }[] {
  return [
    { groupId: ingestGroupId(prefix, readIngestSettings(process.env)), topics: [TOPICS.sensorData, TOPICS.meterReadings].map((t) => prefixedTopic(prefix, t)) },
    { groupId: `${prefix}smartgrid-user-management`, topics: [prefixedTopic(prefix, TOPICS.auditEvents)] },
  ];
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function runBackup(ctx: INestApplicationContext, cmd: { to: string; json: boolean }, out: Out): Promise<number> {
  const dir = resolve(cmd.to);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new Error(`${dir} exists and is not an empty directory`);
  mkdirSync(join(dir, 'cassandra'), { recursive: true });
  const startedAt = new Date();
  const prefix = ctx.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY).topicPrefix;
  const cassandra = ctx.get<ConfigType<typeof cassandraConfig>>(cassandraConfig.KEY);

  out.progress('[backup] recording consumer group offsets…');
  const offsets = await readGroupOffsets(ctx.get<Admin>(KAFKA_ADMIN), consumerGroups(prefix));

  // MongoDB's audit copy before PostgreSQL, the rest of MongoDB after it. The audit copy is
  // filled from PostgreSQL's audit log: exported first, it is never ahead of the dump (what it
  // lacks, the mirror queues again at start); exported after, it could hold entries the dump
  // lacks, which the re-delivered audit events then append again under the same sequence
  // numbers. Other collections are written first-hand or through outboxes in PostgreSQL
  // (device metadata inbox): exported after the dump, a change applied meanwhile is in the
  // export and still in the dumped outbox (applied again, harmlessly), never in neither.
  const uri = mongoUri();
  const mongoStarted = Date.now();
  let mongoCollections: Record<string, ExportedCollection> | null = null;
  const mongoProgress = (c: string, n: number): void => out.progress(`[backup mongodb] ${c}: ${n} documents`);
  if (uri) {
    mkdirSync(join(dir, 'mongodb'));
    mongoCollections = await exportMongoDatabase(uri, join(dir, 'mongodb'), mongoProgress, { only: MIRRORS_OF_POSTGRES });
  } else {
    out.progress('[backup mongodb] MONGODB_HOST is not set: MongoDB skipped');
  }
  let mongoMs = Date.now() - mongoStarted;

  let t = Date.now();
  out.progress('[backup postgres] pg_dump…');
  let dumped = 0;
  const pg = pgTarget();
  const tables = await dumpPostgres(pg, join(dir, 'postgres.dump'), (line) => {
    if (/dumping contents of table/.test(line) && ++dumped % 5 === 0) out.progress(`[backup postgres] ${dumped} tables dumped…`);
  });
  const postgres = { file: 'postgres.dump', bytes: statSync(join(dir, 'postgres.dump')).size, sha256: await fileSha256(join(dir, 'postgres.dump')), tables, durationMs: Date.now() - t };
  out.progress(`[backup postgres] ${Object.values(tables).reduce((a, b) => a + b, 0)} rows in ${Object.keys(tables).length} tables, ${postgres.bytes} bytes, ${secs(postgres.durationMs)}`);

  t = Date.now();
  const exportedAt = new Date().toISOString();
  const cassandraTables = await exportKeyspace(ctx.get<Client>(CASSANDRA_CLIENT), cassandra.keyspace, join(dir, 'cassandra'), (table, rows) =>
    out.progress(`[backup cassandra] ${table}: ${rows} rows`),
  );
  const cassandraPart = { dir: 'cassandra', exportedAt, tables: cassandraTables, durationMs: Date.now() - t };
  out.progress(`[backup cassandra] ${Object.values(cassandraTables).reduce((a, b) => a + b.rows, 0)} rows in ${Object.keys(cassandraTables).length} tables, ${secs(cassandraPart.durationMs)}`);

  let mongodb: BackupManifest['mongodb'] = null;
  if (uri && mongoCollections) {
    t = Date.now();
    Object.assign(mongoCollections, await exportMongoDatabase(uri, join(dir, 'mongodb'), mongoProgress, { except: MIRRORS_OF_POSTGRES }));
    mongoMs += Date.now() - t;
    mongodb = { dir: 'mongodb', collections: mongoCollections, durationMs: mongoMs };
    out.progress(`[backup mongodb] ${Object.values(mongoCollections).reduce((a, b) => a + b.documents, 0)} documents in ${Object.keys(mongoCollections).length} collections, ${secs(mongoMs)}`);
  }

  const manifest: BackupManifest = {
    version: MANIFEST_VERSION,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    source: { postgresDatabase: pg.database, cassandraKeyspace: cassandra.keyspace, mongodbDatabase: uri ? mongoConfig().database : null, kafkaTopicPrefix: prefix },
    offsets,
    postgres,
    cassandra: cassandraPart,
    mongodb,
  };
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  if (cmd.json) out.log(JSON.stringify(manifest, null, 2));
  else {
    out.log(`backup written to ${dir} in ${secs(Date.parse(manifest.finishedAt) - startedAt.getTime())}`);
    out.log(`  postgres: ${Object.values(tables).reduce((a, b) => a + b, 0)} rows (${postgres.bytes} bytes, ${secs(postgres.durationMs)})`);
    out.log(`  cassandra: ${Object.values(cassandraTables).reduce((a, b) => a + b.rows, 0)} rows (${secs(cassandraPart.durationMs)})`);
    if (mongodb) out.log(`  mongodb: ${Object.values(mongodb.collections).reduce((a, b) => a + b.documents, 0)} documents (${secs(mongodb.durationMs)})`);
    for (const g of offsets) out.log(`  offsets ${g.groupId}: ${g.topics.map((x) => `${x.topic} ${x.partitions.map((p) => `${p.partition}:${p.offset}`).join(',')}`).join('; ')}`);
  }
  return 0;
}

export interface RestoreReport {
  from: string;
  durationMs: number;
  verified: boolean;
  postgres: { tables: number; mismatched: { table: string; expected: number; actual: number }[]; durationMs: number };
  cassandra: { rows: number; expired: number; mismatched: { table: string; expected: number; actual: number }[]; durationMs: number };
  mongodb: { documents: number; mismatched: { collection: string; expected: number; actual: number }[]; durationMs: number } | null;
  offsets: RewindReport[];
}

/** Checks the manifest and every file's checksum before anything is written. */
export async function readVerifiedManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new Error(`${path} not found: not a backup directory`);
  const m = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (m.version !== MANIFEST_VERSION) throw new Error(`backup manifest version ${m.version} is not supported (expected ${MANIFEST_VERSION})`);
  const files: [string, string][] = [
    [join(dir, m.postgres.file), m.postgres.sha256],
    ...Object.values(m.cassandra.tables).map((x): [string, string] => [join(dir, m.cassandra.dir, x.file), x.sha256]),
    ...Object.values(m.mongodb?.collections ?? {}).map((x): [string, string] => [join(dir, m.mongodb!.dir, x.file), x.sha256]),
  ];
  for (const [file, sha] of files) {
    if (!existsSync(file)) throw new Error(`backup file ${file} is missing`);
    if ((await fileSha256(file)) !== sha) throw new Error(`backup file ${file} does not match its checksum in the manifest`);
  }
  return m;
}

/**
 * Restores a backup into empty stores (refuses otherwise unless `force`), verifies what was
 * loaded against the manifest, then rewinds the consumer groups to the recorded offsets. Runs
 * PostgreSQL's restore before the storage stack boots (its migrations would otherwise create
 * the schema the dump brings); the stack then migrates anything newer than the backup and
 * creates Cassandra's keyspace and tables.
 */
export async function runRestore(cmd: { from: string; force: boolean; json: boolean }, out: Out, actor: string): Promise<number> {
  const started = Date.now();
  const dir = resolve(cmd.from);
  validateEnvironment(process.env, ['postgres', 'cassandra', 'kafka', 'retention']);
  out.progress('[restore] verifying the manifest and checksums…');
  const m = await readVerifiedManifest(dir);

  const pg = pgTarget();
  const cs = cassandraConfig();
  const uri = mongoUri();
  if (m.mongodb && !uri) throw new Error('the backup holds MongoDB collections but MONGODB_HOST is not set');
  const probe = new Client(buildClientOptions(cs));
  const nonEmpty: string[] = [];
  try {
    await probe.connect();
    const pgNow = await postgresTableCount(pg);
    if (pgNow.tables > 0) nonEmpty.push(`PostgreSQL database ${pg.database} has ${pgNow.tables} tables`);
    const csNow = await nonEmptyTables(probe, cs.keyspace);
    if (csNow.length > 0) nonEmpty.push(`Cassandra keyspace ${cs.keyspace} has data in ${csNow.join(', ')}`);
    if (uri && m.mongodb) {
      const mNow = await nonEmptyCollections(uri);
      if (mNow.length > 0) nonEmpty.push(`MongoDB has documents in ${mNow.join(', ')}`);
    }
  } finally {
    await probe.shutdown().catch(() => undefined);
  }
  if (nonEmpty.length > 0 && !cmd.force) throw new Error(`refusing to restore into stores that are not empty (use --force to replace their data): ${nonEmpty.join('; ')}`);

  let t = Date.now();
  out.progress('[restore postgres] pg_restore…');
  let restored = 0;
  await restorePostgres(pg, join(dir, m.postgres.file), { clean: nonEmpty.length > 0 }, (line) => {
    if (/processing data for table/.test(line) && ++restored % 5 === 0) out.progress(`[restore postgres] ${restored} tables loaded…`);
  });
  const pgCounts = await postgresCounts(pg);
  const pgMismatch = Object.entries(m.postgres.tables)
    .filter(([table, n]) => pgCounts[table] !== n)
    .map(([table, expected]) => ({ table, expected, actual: pgCounts[table] ?? -1 }));
  const postgres = { tables: Object.keys(m.postgres.tables).length, mismatched: pgMismatch, durationMs: Date.now() - t };
  out.progress(`[restore postgres] ${postgres.tables} tables, ${pgMismatch.length} differing from the manifest, ${secs(postgres.durationMs)}`);

  const ctx = await NestFactory.createApplicationContext(StorageCliModule.register({ audit: true, kafka: true }), { logger: ['error', 'warn'] });
  try {
    t = Date.now();
    const client = ctx.get<Client>(CASSANDRA_CLIENT);
    if (nonEmpty.length > 0) await truncateKeyspace(client, cs.keyspace);
    const loaded = await importKeyspace(client, cs.keyspace, join(dir, m.cassandra.dir), m.cassandra.tables, { exportedAtMs: Date.parse(m.cassandra.exportedAt) }, (table, rows) =>
      out.progress(`[restore cassandra] ${table}: ${rows} rows`),
    );
    const csMismatch = Object.entries(m.cassandra.tables)
      .filter(([table, x]) => loaded[table]?.rows !== x.rows)
      .map(([table, x]) => ({ table, expected: x.rows, actual: loaded[table]?.rows ?? -1 }));
    const cassandra = {
      rows: Object.values(loaded).reduce((a, b) => a + b.rows, 0),
      expired: Object.values(loaded).reduce((a, b) => a + b.expired, 0),
      mismatched: csMismatch,
      durationMs: Date.now() - t,
    };
    out.progress(`[restore cassandra] ${cassandra.rows} rows (${cassandra.expired} expired since the backup, not written), ${secs(cassandra.durationMs)}`);

    let mongodb: RestoreReport['mongodb'] = null;
    if (m.mongodb && uri) {
      t = Date.now();
      await importMongoDatabase(uri, join(dir, m.mongodb.dir), m.mongodb.collections, { replace: nonEmpty.length > 0 }, (c, n) => out.progress(`[restore mongodb] ${c}: ${n} documents`));
      const counts = await mongoCounts(uri);
      const mismatched = Object.entries(m.mongodb.collections)
        .filter(([c, x]) => counts[c] !== x.documents)
        .map(([collection, x]) => ({ collection, expected: x.documents, actual: counts[collection] ?? -1 }));
      mongodb = { documents: Object.values(m.mongodb.collections).reduce((a, b) => a + b.documents, 0), mismatched, durationMs: Date.now() - t };
      out.progress(`[restore mongodb] ${mongodb.documents} documents, ${secs(mongodb.durationMs)}`);
    }

    const verified = pgMismatch.length === 0 && csMismatch.length === 0 && (mongodb?.mismatched.length ?? 0) === 0;
    const offsets = verified ? await rewindGroups(ctx.get<Admin>(KAFKA_ADMIN), m.offsets) : [];
    const report: RestoreReport = { from: dir, durationMs: Date.now() - started, verified, postgres, cassandra, mongodb, offsets };
    await ctx.get(AuditEventsPublisher).publish({
      actor,
      action: 'storage.restore',
      resource: 'storage/all',
      metadata: {
        from: dir,
        backupStartedAt: m.startedAt,
        verified,
        durationMs: report.durationMs,
        postgresTables: postgres.tables,
        cassandraRows: cassandra.rows,
        mongodbDocuments: mongodb?.documents ?? null,
        offsets: offsets.map((o) => ({ groupId: o.groupId, topic: o.topic, set: o.set, clamped: o.clamped })),
      },
    });
    if (cmd.json) out.log(JSON.stringify(report, null, 2));
    else {
      out.log(`restore from ${dir}: ${verified ? 'verified against the manifest' : 'DOES NOT MATCH the manifest (offsets not rewound)'} in ${secs(report.durationMs)}`);
      out.log(`  postgres: ${postgres.tables} tables (${secs(postgres.durationMs)})`);
      out.log(`  cassandra: ${cassandra.rows} rows, ${cassandra.expired} expired since the backup (${secs(cassandra.durationMs)})`);
      if (mongodb) out.log(`  mongodb: ${mongodb.documents} documents (${secs(mongodb.durationMs)})`);
      for (const x of [...pgMismatch, ...csMismatch]) out.log(`  MISMATCH ${x.table}: expected ${x.expected}, found ${x.actual}`);
      for (const x of mongodb?.mismatched ?? []) out.log(`  MISMATCH ${x.collection}: expected ${x.expected}, found ${x.actual}`);
      for (const o of offsets) {
        out.log(`  ${o.groupId} ${o.topic} rewound to ${o.set.map((p) => `${p.partition}:${p.offset}`).join(',')}`);
        for (const c of o.clamped) out.log(`    partition ${c.partition}: recorded ${c.recorded} is gone from the log, set to ${c.earliest}`);
      }
      out.log('start the apps: Kafka re-delivers everything produced after the backup');
    }
    return verified ? 0 : 2;
  } finally {
    await ctx.close();
  }
}
