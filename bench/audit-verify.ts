/**
 * Audit chain verification time: fills a fresh PostgreSQL database with N hash-chained audit
 * entries (default 100 000) through the same append path the service uses, then times the
 * verification behind GET /api/audit-logs/verify (one REPEATABLE READ snapshot, pages of
 * 5000 rows, SHA-256 over prev_hash || canonical(entry) for each) several times.
 *
 *   npm run bench:audit -- [--entries 100000] [--batch 1000] [--runs 3] [--single 1000]
 *
 * --single N also times N appends made one at a time (the cost one audited action adds).
 * Uses its own database (dropped at the end); needs only PostgreSQL (infra/local/stack up postgres).
 */
import 'reflect-metadata';
import { extendChain, NewAuditEntry, verifyChain } from '@smartgrid/audit';
import { auditMigrations, MIGRATIONS_TABLE, PostgresAuditLogStore } from '@smartgrid/postgres';
import { createTestDatabase, uniqueName } from '@smartgrid/testing';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { nonNegativeInteger, numberOptions } from './support/bench.args';

interface Options {
  entries: number;
  batch: number;
  runs: number;
  single: number;
}

function parseArgs(argv: string[]): Options {
  return numberOptions<Options>(argv, { entries: 100_000, batch: 1000, runs: 3, single: 1000 }, nonNegativeInteger);
}

const ACTIONS = ['user.created', 'user.role_changed', 'auth.login', 'auth.login_failed', 'storage.replay'];
const ROLES = ['viewer', 'operator', 'admin'];

/** Entries shaped like real ones: a role change with a diff, logins with a user agent, Kafka events. */
function entry(i: number): NewAuditEntry {
  const action = ACTIONS[i % ACTIONS.length];
  return {
    actor: `user.${i % 500}`,
    action,
    resource: `user:${randomUUID()}`,
    origin: action === 'storage.replay' ? 'kafka' : 'api',
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    requestId: randomUUID(),
    clientAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
    details:
      action === 'user.role_changed'
        ? { username: `user.${i % 500}`, changes: { role: { from: ROLES[i % 3], to: ROLES[(i + 1) % 3] } }, actorUserId: randomUUID() }
        : { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench', reason: i % 7 === 0 ? 'wrong_password' : undefined, n: i },
  };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

type Append = (entries: NewAuditEntry[]) => Promise<unknown>;

/** Appends `opts.entries` entries in batches of `opts.batch`, then `opts.single` one at a time; returns the time of each. */
async function fillChain(append: Append, opts: Options): Promise<{ fillMs: number; singleMs: number }> {
  process.stdout.write(`filling ${opts.entries} entries in batches of ${opts.batch} ...\n`);
  let t = performance.now();
  for (let done = 0; done < opts.entries; done += opts.batch) {
    await append(Array.from({ length: Math.min(opts.batch, opts.entries - done) }, (_, k) => entry(done + k)));
  }
  const fillMs = performance.now() - t;
  let singleMs = 0;
  if (opts.single > 0) {
    t = performance.now();
    for (let k = 0; k < opts.single; k++) await append([entry(opts.entries + k)]);
    singleMs = performance.now() - t;
  }
  return { fillMs, singleMs };
}

/** Times `runs` full verifications of a chain of `total` entries; each must find it intact. */
async function timeVerifications(pg: PostgresAuditLogStore, total: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const result = await verifyChain(pg);
    times.push(performance.now() - t);
    if (result.broken || result.checked !== total) throw new Error(`verification failed: ${JSON.stringify(result.broken)} (${result.checked} checked)`);
  }
  return times;
}

function printReport(opts: Options, total: number, size: string, fill: { fillMs: number; singleMs: number }, runs: number[]): void {
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpu = cpus();
  const lines = [
    '',
    `audit chain benchmark — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, node ${process.version}`,
    `entries in chain            ${total}  (table + indexes ${size})`,
    `bulk append (batch ${opts.batch})    ${fmt(fill.fillMs)}  → ${Math.round(opts.entries / (fill.fillMs / 1000))} entries/s`,
    ...(opts.single > 0 ? [`single appends (${opts.single})     ${fmt(fill.singleMs)}  → ${(fill.singleMs / opts.single).toFixed(2)} ms per audited action`] : []),
    `verify, each run            ${runs.map(fmt).join(', ')}`,
    `verify, median              ${fmt(median)}  → ${Math.round(total / (median / 1000))} entries/s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const db = await createTestDatabase(uniqueName('bench_audit'));
  const ds = new DataSource({
    type: 'postgres',
    host: db.env.POSTGRES_HOST,
    port: Number(db.env.POSTGRES_PORT),
    username: db.env.POSTGRES_USER,
    password: db.env.POSTGRES_PASSWORD,
    database: db.env.POSTGRES_DB,
    migrations: auditMigrations,
    migrationsTableName: MIGRATIONS_TABLE,
    poolSize: 4,
  });
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const pg = new PostgresAuditLogStore(ds);
    const append: Append = (entries) => pg.append((head) => extendChain(head, entries), { enqueueMirror: false });
    const fill = await fillChain(append, opts);
    const total = opts.entries + opts.single;
    await ds.query('VACUUM ANALYZE audit_log');
    const [{ size }] = (await ds.query(`SELECT pg_size_pretty(pg_total_relation_size('audit_log')) AS size`)) as { size: string }[];
    const runs = await timeVerifications(pg, total, opts.runs);
    printReport(opts, total, size, fill, runs);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:audit failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
