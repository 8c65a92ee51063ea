import { AuditEntry, entryHash, GENESIS_HASH } from '@smartgrid/audit';
import { auditCheckpointsTopic, buildKafkaJsConfig, readAuditCheckpoints } from '@smartgrid/kafka';
import { REPO_ROOT, waitFor } from '@smartgrid/testing';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import { Harness, startHarness } from './support/user-management.harness';

const { privateKey } = generateKeyPairSync('ed25519');
const KEY = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

/** The newest pg_dump of the local PostgreSQL packages. */
function pgDump(): string {
  const majors = readdirSync('/usr/lib/postgresql').filter((d) => existsSync(`/usr/lib/postgresql/${d}/bin/pg_dump`)).sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error('pg_dump not found under /usr/lib/postgresql/*/bin');
  return `/usr/lib/postgresql/${majors[0]}/bin/pg_dump`;
}

/**
 * Signed checkpoints on the real servers, and the attack they exist for: a superuser rewrites
 * the whole chain from an early entry on (hashes recomputed, head moved) and the MongoDB copy
 * the same way, then even wipes the stored checkpoints. The chain and its copy agree, and
 * still the checkpoints published on Kafka (with only the public key) expose it, in the app
 * and offline (npm run audit:verify) on the live database and on a pg_dump.
 */
describe('signed audit checkpoints (real servers)', () => {
  let h: Harness;
  let admin: string;
  let publicKey: string;
  let work: string;

  beforeAll(async () => {
    h = await startHarness({ AUDIT_CHECKPOINT_KEY: KEY, AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' });
    admin = await h.adminToken();
    for (let i = 0; i < 3; i++) await h.userWithRole('viewer');
    work = mkdtempSync(join(tmpdir(), 'sg-checkpoints-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await h?.close();
  });

  const api = () => ({
    get: (path: string) => h.http().get(path).set('Authorization', `Bearer ${admin}`),
    post: (path: string) => h.http().post(path).set('Authorization', `Bearer ${admin}`),
  });
  const verify = async () => (await api().get('/api/audit-logs/verify').expect(200)).body;
  const head = async () => (await h.pg.query('SELECT last_seq::int AS seq, last_hash AS hash FROM audit_chain_head')).rows[0] as { seq: number; hash: string };
  const kafka = () => new Kafka(buildKafkaJsConfig({ brokers: h.stack.env.KAFKA_BROKERS.split(','), clientId: 'checkpoint-test', topicPrefix: h.stack.env.KAFKA_TOPIC_PREFIX, topicPartitions: 1, sessionTimeoutMs: 30_000 }));

  /**
   * npm run audit:verify, as a verifier would run it (only the public key; no secret). Run
   * asynchronously: the app under test lives in this process and keeps serving (and
   * heartbeating its Kafka group) meanwhile.
   */
  const offline = (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; report: any; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--no-warnings', '-r', join(REPO_ROOT, 'infra/runtime/register-ts.js'), join(REPO_ROOT, 'apps/user-management/src/cli/audit-verify.cli.ts'), '--public-key', publicKey, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KAFKA_BROKERS: h.stack.env.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: h.stack.env.KAFKA_TOPIC_PREFIX, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, report: stdout.trim().startsWith('{') ? JSON.parse(stdout) : null, stderr });
      });
    });
  const asUm = () => ({
    POSTGRES_HOST: h.stack.env.POSTGRES_HOST,
    POSTGRES_PORT: h.stack.env.POSTGRES_PORT,
    POSTGRES_DB: h.stack.env.POSTGRES_DB,
    POSTGRES_USER: h.stack.env.POSTGRES_USER,
    POSTGRES_PASSWORD: h.stack.env.POSTGRES_PASSWORD,
  });
  const dump = (file: string) => {
    const res = spawnSync(pgDump(), ['-h', h.stack.env.POSTGRES_HOST, '-p', h.stack.env.POSTGRES_PORT, '-U', 'smartgrid', '-d', h.stack.env.POSTGRES_DB, '-t', 'audit_log', '-t', 'audit_chain_head', '-t', 'audit_checkpoints', '-f', file], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: process.env.POSTGRES_PASSWORD || 'smartgrid' },
    });
    if (res.status !== 0) throw new Error(`pg_dump failed: ${res.stderr}`);
  };

  it('signs the head periodically when the chain grows, and on demand (admin only, audited)', async () => {
    await waitFor(async () => (await api().get('/api/audit-logs/checkpoints').expect(200)).body.items.some((c: { seq: number }) => c.seq >= 1), 30_000, 250, 'a periodic checkpoint');
    const before = await head();
    const signed = await api().post('/api/audit-logs/checkpoints').expect(201);
    expect(signed.body).toMatchObject({ seq: before.seq, hash: before.hash, algorithm: 'Ed25519' });
    const page = (await api().get('/api/audit-logs/checkpoints?limit=5').expect(200)).body;
    publicKey = page.publicKey;
    expect(page).toMatchObject({ keyId: signed.body.keyId, items: expect.arrayContaining([expect.objectContaining({ seq: before.seq, signature: signed.body.signature })]) });
    expect(JSON.stringify(page)).not.toContain(KEY.slice(20, 60));

    const operator = await h.userWithRole('operator');
    await h.http().post('/api/audit-logs/checkpoints').set('Authorization', `Bearer ${operator.token}`).expect(403);
    await h.http().get('/api/audit-logs/checkpoints').set('Authorization', `Bearer ${operator.token}`).expect(200);
    const audited = (await api().get('/api/audit-logs?action=audit.checkpoint_signed&source=postgres').expect(200)).body.items;
    expect(audited[0]).toMatchObject({ actor: 'root.admin', resource: `audit-checkpoint:${before.seq}`, details: { seq: before.seq, hash: before.hash } });
  });

  it('publishes every checkpoint on Kafka (kept forever, one partition) and verifies the untouched chain everywhere', async () => {
    await api().post('/api/audit-logs/checkpoints').expect(201);
    // Stored first: a checkpoint is published before it is stored, so every stored one is on the topic.
    const stored = (await h.pg.query('SELECT signature FROM audit_checkpoints')).rows.map((r: { signature: string }) => r.signature);
    const published = await readAuditCheckpoints(kafka(), h.stack.env.KAFKA_TOPIC_PREFIX);
    expect(published.checkpoints.map((c) => c.signature)).toEqual(expect.arrayContaining(stored));
    const admin = kafka().admin();
    await admin.connect();
    const [desc] = (await admin.describeConfigs({ resources: [{ type: 2, name: auditCheckpointsTopic(h.stack.env.KAFKA_TOPIC_PREFIX).topic, configNames: ['retention.ms'] }], includeSynonyms: false })).resources;
    await admin.disconnect();
    expect(desc.configEntries.find((c) => c.configName === 'retention.ms')?.configValue).toBe('-1');

    expect(await verify()).toMatchObject({ valid: true, checkpoints: { status: 'verified', invalid: 0 } });
    const live = await offline(['--postgres'], asUm());
    expect({ code: live.code, stderr: live.stderr }).toEqual({ code: 0, stderr: '' });
    expect(live.report.checkpoints.matched).toBeGreaterThan(0);
    dump(join(work, 'before.sql'));
    expect((await offline(['--dump', join(work, 'before.sql')])).code).toBe(0);
  });

  it('detects a full rewrite of the chain and its MongoDB copy, from the checkpoints alone', async () => {
    await h.flushMirror();
    const signed = (await api().get('/api/audit-logs/checkpoints?limit=500').expect(200)).body.items as { seq: number }[];
    // The first signed entry at or after the rewritten one (entry 2).
    const firstSigned = Math.min(...signed.map((c) => c.seq).filter((s) => s >= 2));
    // The attacker: a superuser, triggers off, rewrites entry 2 (a user's role in its details)
    // and re-hashes every later entry, moves the head, and does the same in MongoDB.
    const rows = (await h.pg.query('SELECT seq::int AS seq, id::text AS id, occurred_at, recorded_at, actor, action, resource, origin, request_id, client_address, details FROM audit_log ORDER BY seq')).rows;
    let prev = GENESIS_HASH;
    const rewritten: AuditEntry[] = [];
    for (const r of rows) {
      const details = r.seq === 2 ? { ...r.details, role: 'admin', forged: true } : r.details;
      const body = { seq: r.seq, id: r.id, occurredAt: r.occurred_at, recordedAt: r.recorded_at, actor: r.actor, action: r.action, resource: r.resource, origin: r.origin, requestId: r.request_id, clientAddress: r.client_address, details };
      const hash = entryHash(prev, body);
      rewritten.push({ ...body, prevHash: prev, hash });
      prev = hash;
    }
    await h.pg.query('BEGIN');
    await h.pg.query('SET LOCAL session_replication_role = replica');
    for (const e of rewritten) {
      await h.pg.query('UPDATE audit_log SET details = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [e.seq, JSON.stringify(e.details), e.prevHash, e.hash]);
    }
    await h.pg.query('UPDATE audit_chain_head SET last_hash = $1', [prev]);
    await h.pg.query('COMMIT');
    const e = h.stack.env;
    const mongo = await mongoose.createConnection(`mongodb://${e.MONGODB_HOST}:${e.MONGODB_PORT}/${e.MONGODB_DB}`, { directConnection: true }).asPromise();
    try {
      for (const x of rewritten) await mongo.collection('audit_log').updateOne({ seq: x.seq }, { $set: { details: x.details, prevHash: x.prevHash, hash: x.hash } });
    } finally {
      await mongo.close();
    }

    // The chain verifies on its own and agrees with its copy; the checkpoints do not.
    const report = await verify();
    expect(report).toMatchObject({ valid: false, mirror: { status: 'consistent' }, checkpoints: { status: 'mismatch' } });
    expect(report.firstBroken).toMatchObject({ seq: firstSigned, reason: 'checkpoint_mismatch' });

    // The app will not endorse the rewrite by signing it.
    await api().post('/api/audit-logs/checkpoints').expect(409);

    // Wiping the stored checkpoints hides nothing: the Kafka copy still tells.
    await h.pg.query('BEGIN');
    await h.pg.query('SET LOCAL session_replication_role = replica');
    await h.pg.query('DELETE FROM audit_checkpoints');
    await h.pg.query('COMMIT');
    expect(await verify()).toMatchObject({ valid: false, checkpoints: { status: 'mismatch', stored: 0 }, firstBroken: { reason: 'checkpoint_mismatch' } });

    const live = await offline(['--postgres', '--checkpoints', 'kafka'], asUm());
    expect(live.code).toBe(2);
    expect(live.report.firstBroken).toMatchObject({ seq: firstSigned, reason: 'checkpoint_mismatch' });
    dump(join(work, 'after.sql'));
    const fromDump = await offline(['--dump', join(work, 'after.sql'), '--checkpoints', 'kafka']);
    expect(fromDump.code).toBe(2);
    expect(fromDump.report).toMatchObject({ valid: false, chain: 'dump', firstBroken: { reason: 'checkpoint_mismatch' } });
    // The dump alone (its table wiped) has no checkpoint left: only consistency, which holds.
    const dumpOnly = await offline(['--dump', join(work, 'after.sql'), '--checkpoints', 'dump']);
    expect(dumpOnly.code).toBe(0);
    expect(dumpOnly.stderr).toMatch(/no checkpoint verified/);
    // A checkpoints file exported earlier works the same way as the topic.
    const file = join(work, 'checkpoints.jsonl');
    writeFileSync(file, (await readAuditCheckpoints(kafka(), h.stack.env.KAFKA_TOPIC_PREFIX)).checkpoints.map((c) => JSON.stringify({ ...c, signedAt: c.signedAt.toISOString() })).join('\n'));
    expect((await offline(['--dump', join(work, 'after.sql'), '--checkpoints', file])).code).toBe(2);
    expect((await offline(['--dump', join(work, 'before.sql'), '--checkpoints', file])).code).toBe(0);
  });

  it('refuses a bad key at start-up naming the variable, without echoing it', async () => {
    const { createApp } = await import('../src/user-management.app');
    const bad = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const failure = await createApp({ env: { ...h.stack.env, AUDIT_CHECKPOINT_KEY: bad }, logger: false }).then(() => null, (err: unknown) => err as Error);
    expect(failure?.message).toMatch(/AUDIT_CHECKPOINT_KEY/);
    expect(failure?.message).not.toContain(bad.slice(20, 60));
  });
});
