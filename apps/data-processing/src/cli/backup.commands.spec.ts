import { fileSha256 } from '@smartgrid/cassandra';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BackupManifest, MANIFEST_FILE, MANIFEST_VERSION, readVerifiedManifest } from './backup.commands';

/** A restore checks every file of a backup against the manifest before it writes anything. */
describe('readVerifiedManifest', () => {
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-manifest-'));
    mkdirSync(join(dir, 'cassandra'));
    mkdirSync(join(dir, 'mongodb'));
    writeFileSync(join(dir, 'postgres.dump'), 'PGDMP fake dump');
    writeFileSync(join(dir, 'cassandra', 'sensor_readings_by_day.jsonl'), '{"sensor_id":"S-1"}\n');
    writeFileSync(join(dir, 'mongodb', 'audit_log.ejson'), '{"_id":{"$oid":"000000000000000000000001"}}\n');
    const manifest: BackupManifest = {
      version: MANIFEST_VERSION,
      startedAt: '2026-11-30T00:00:00.000Z',
      finishedAt: '2026-11-30T00:00:01.000Z',
      source: { postgresDatabase: 'db', cassandraKeyspace: 'ks', mongodbDatabase: 'm', kafkaTopicPrefix: '' },
      offsets: [],
      postgres: { file: 'postgres.dump', bytes: 15, sha256: await fileSha256(join(dir, 'postgres.dump')), tables: { sensor_data: 0 }, durationMs: 1 },
      cassandra: {
        dir: 'cassandra',
        exportedAt: '2026-11-30T00:00:00.500Z',
        tables: { sensor_readings_by_day: { file: 'sensor_readings_by_day.jsonl', rows: 1, sha256: await fileSha256(join(dir, 'cassandra', 'sensor_readings_by_day.jsonl')) } },
        durationMs: 1,
      },
      mongodb: {
        dir: 'mongodb',
        collections: { audit_log: { file: 'audit_log.ejson', documents: 1, sha256: await fileSha256(join(dir, 'mongodb', 'audit_log.ejson')), indexes: [] } },
        durationMs: 1,
      },
    };
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a backup whose files match their checksums', async () => {
    expect((await readVerifiedManifest(dir)).postgres.tables).toEqual({ sensor_data: 0 });
  });

  it.each([
    ['the PostgreSQL dump', 'postgres.dump'],
    ['a Cassandra table', join('cassandra', 'sensor_readings_by_day.jsonl')],
    ['a MongoDB collection', join('mongodb', 'audit_log.ejson')],
  ])('refuses a backup in which %s was changed', async (_what, file) => {
    writeFileSync(join(dir, file), 'changed');
    await expect(readVerifiedManifest(dir)).rejects.toThrow(/does not match its checksum/);
  });

  it('refuses a backup with a file missing, a directory without a manifest, and an unknown manifest version', async () => {
    rmSync(join(dir, 'cassandra', 'sensor_readings_by_day.jsonl'));
    await expect(readVerifiedManifest(dir)).rejects.toThrow(/is missing/);
    await expect(readVerifiedManifest(join(dir, 'cassandra'))).rejects.toThrow(/not a backup directory/);
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ version: 99 }));
    await expect(readVerifiedManifest(dir)).rejects.toThrow(/version 99 is not supported/);
  });
});
