import { spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';

/** Connection of the database to back up or restore (the app's PostgreSQL settings). */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

/** Rows per table (partitioned tables counted through their parent) at the dump's snapshot. */
export type TableCounts = Record<string, number>;

function bin(name: 'pg_dump' | 'pg_restore'): string {
  // PG_BIN_DIR picks a client matching the server when several are installed.
  return process.env.PG_BIN_DIR ? join(process.env.PG_BIN_DIR, name) : name;
}

/**
 * Runs a PostgreSQL client tool; the password goes through the environment, never the command
 * line. Resolves with its standard output when `stdout` is asked for.
 */
function run(tool: 'pg_dump' | 'pg_restore', args: string[], t: PostgresTarget, onLine?: (line: string) => void, stdout = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin(tool), args, {
      env: { ...process.env, PGHOST: t.host, PGPORT: String(t.port), PGUSER: t.user, PGPASSWORD: t.password, PGDATABASE: t.database },
      stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => void (out += chunk));
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) onLine?.(line.trim());
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${tool} exited with ${code}: ${tail.trim().split('\n').slice(-5).join(' | ')}`))));
  });
}

async function connect(t: PostgresTarget): Promise<Client> {
  const c = new Client({ host: t.host, port: t.port, database: t.database, user: t.user, password: t.password });
  await c.connect();
  return c;
}

const COUNTABLE = `
  SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
   ORDER BY 1`;

async function countTables(c: Client): Promise<TableCounts> {
  const out: TableCounts = {};
  for (const { name } of (await c.query<{ name: string }>(COUNTABLE)).rows) {
    const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`);
    out[name] = Number(r.rows[0]!.n);
  }
  return out;
}

/**
 * `pg_dump --format=custom` of the whole database (schema, data, users and the audit chain),
 * taken at one exported snapshot whose per-table row counts are returned: the counts and the
 * dump describe the same instant, while writers go on.
 */
export async function dumpPostgres(t: PostgresTarget, file: string, onLine?: (line: string) => void): Promise<TableCounts> {
  const c = await connect(t);
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snapshot = (await c.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const counts = await countTables(c);
    // The snapshot stays valid while this transaction is open.
    // Privileges are kept: the app roles' grants (and the functions revoked from PUBLIC) come back as they were.
    await run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, '--no-owner', '--verbose', `--file=${file}`], t, onLine);
    await c.query('COMMIT');
    return counts;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Tables in the database other than those of extensions (PostGIS's spatial_ref_sys): 0 means empty. */
export async function postgresTableCount(t: PostgresTarget): Promise<{ tables: number; rows: number }> {
  const c = await connect(t);
  try {
    const counts = await countTables(c);
    return { tables: Object.keys(counts).length, rows: Object.values(counts).reduce((a, b) => a + b, 0) };
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Exact row counts of every table now (to compare with a backup's manifest). */
export async function postgresCounts(t: PostgresTarget): Promise<TableCounts> {
  const c = await connect(t);
  try {
    return await countTables(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * `pg_restore` of a custom-format dump. Into an empty database by default; `clean` drops the
 * objects the dump holds first (restore --force). Stops at the first error.
 *
 * Extensions a superuser created beforehand (PostGIS needs one; a restore runs as the schema's
 * owner, who may not even comment on them) are left as they are: their entries in the dump, and
 * the rows of their tables such as spatial_ref_sys, are skipped. Others are created as the dump
 * says (a trusted extension like pg_trgm, which the migrations create as the owner, needs no
 * superuser); one the owner may not create fails the restore before any data is loaded.
 */
export async function restorePostgres(t: PostgresTarget, file: string, opts: { clean: boolean; jobs?: number }, onLine?: (line: string) => void): Promise<void> {
  const c = await connect(t);
  let installed: Set<string>;
  let extensionTables: Set<string>;
  try {
    installed = new Set((await c.query<{ name: string }>('SELECT extname AS name FROM pg_extension')).rows.map((r) => r.name));
    extensionTables = new Set(
      (
        await c.query<{ name: string }>(
          `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'`,
        )
      ).rows.map((r) => r.name),
    );
  } finally {
    await c.end().catch(() => undefined);
  }
  const toc = await run('pg_restore', ['--list', file], t, undefined, true);
  const kept: string[] = [];
  for (const line of toc.split('\n')) {
    const extension = /^\d+; \d+ \d+ (?:EXTENSION - |COMMENT - EXTENSION )(\S+)/.exec(line);
    if (extension && installed.has(extension[1]!)) continue;
    const data = /^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /.exec(line);
    if (data && extensionTables.has(`${data[1]}.${data[2]}`)) continue;
    kept.push(line);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sg-restore-'));
  try {
    const list = join(dir, 'toc.list');
    writeFileSync(list, `${kept.join('\n')}\n`);
    const args = ['--no-owner', '--exit-on-error', '--verbose', `--dbname=${t.database}`, `--jobs=${opts.jobs ?? 2}`, `--use-list=${list}`];
    if (opts.clean) args.push('--clean', '--if-exists');
    await run('pg_restore', [...args, file], t, onLine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
