import { createHash } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import { join } from 'path';
import { createInterface } from 'readline';
import { Client, types } from 'cassandra-driver';
import { assertCqlIdentifier } from '../cassandra.options';
import { MIGRATION_LOCK_TABLE } from '../cassandra.constants';

/** One exported table: its file (JSON lines), rows written and the file's sha-256. */
export interface ExportedTable {
  file: string;
  rows: number;
  sha256: string;
}

interface Column {
  name: string;
  kind: 'partition_key' | 'clustering' | 'regular' | 'static';
  type: string;
}

/** The value types the keyspace uses, encoded so JSON keeps them exactly (NaN markers, 64-bit ints, dates). */
function encode(type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'double':
    case 'float':
      return Number.isFinite(v as number) ? v : String(v); // NaN marks an absent value
    case 'bigint':
    case 'counter':
    case 'varint':
      return (v as { toString(): string }).toString();
    case 'timestamp':
      return (v as Date).getTime();
    case 'date':
    case 'timeuuid':
    case 'uuid':
    case 'inet':
      return (v as { toString(): string }).toString();
    default:
      return v;
  }
}

function decode(type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'double':
    case 'float':
      return typeof v === 'string' ? Number(v) : v;
    case 'bigint':
    case 'counter':
    case 'varint':
      return types.Long.fromString(v as string);
    case 'timestamp':
      return new Date(v as number);
    case 'date':
      return types.LocalDate.fromString(v as string);
    case 'timeuuid':
      return types.TimeUuid.fromString(v as string);
    case 'uuid':
      return types.Uuid.fromString(v as string);
    default:
      return v;
  }
}

const q = (id: string): string => `"${assertCqlIdentifier(id, 'column')}"`;

async function tablesOf(client: Client, keyspace: string): Promise<string[]> {
  const rs = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
  // The migration lock is transient state, not data.
  return rs.rows.map((r) => r.get('table_name') as string).filter((t) => t !== MIGRATION_LOCK_TABLE).sort();
}

async function columnsOf(client: Client, keyspace: string, table: string): Promise<Column[]> {
  const rs = await client.execute('SELECT column_name, kind, type, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], { prepare: true });
  const order = { partition_key: 0, clustering: 1, static: 2, regular: 3 } as const;
  return rs.rows
    .map((r) => ({ name: r.get('column_name') as string, kind: r.get('kind') as Column['kind'], type: r.get('type') as string, position: r.get('position') as number }))
    .sort((a, b) => order[a.kind] - order[b.kind] || a.position - b.position || a.name.localeCompare(b.name))
    .map(({ name, kind, type }) => ({ name, kind, type }));
}

/**
 * Exports every table of the keyspace with paged CQL reads (one JSON line per row: key
 * columns, each regular cell with its write time and remaining TTL), so a restore writes each
 * cell back with `USING TIMESTAMP` (the write stamps that make replays idempotent survive) and
 * its TTL (retention keeps counting). Not a snapshot: rows written during the export may or
 * may not be in it, which the Kafka rewind of a restore makes harmless.
 */
export async function exportKeyspace(
  client: Client,
  keyspace: string,
  dir: string,
  onProgress?: (table: string, rows: number) => void,
): Promise<Record<string, ExportedTable>> {
  assertCqlIdentifier(keyspace, 'keyspace');
  const out: Record<string, ExportedTable> = {};
  for (const table of await tablesOf(client, keyspace)) {
    const cols = await columnsOf(client, keyspace, table);
    const regular = cols.filter((c) => c.kind === 'regular' || c.kind === 'static');
    const select = [
      ...cols.map((c) => q(c.name)),
      ...regular.flatMap((c) => [`WRITETIME(${q(c.name)}) AS "w_${c.name}"`, `TTL(${q(c.name)}) AS "t_${c.name}"`]),
    ].join(', ');
    const file = `${table}.jsonl`;
    const stream = createWriteStream(join(dir, file));
    const hash = createHash('sha256');
    let rows = 0;
    const write = (line: string): Promise<void> =>
      new Promise((resolve, reject) => {
        hash.update(line);
        if (stream.write(line)) return resolve();
        // Each wait removes what it added: a long export waits for 'drain' thousands of times.
        const drained = (): void => void (stream.off('error', failed), resolve());
        const failed = (err: Error): void => void (stream.off('drain', drained), reject(err));
        stream.once('drain', drained).once('error', failed);
      });
    const rs = await client.execute(`SELECT ${select} FROM ${q(keyspace)}.${q(table)}`, [], { prepare: true, fetchSize: 2000, isIdempotent: true });
    for await (const row of rs) {
      const line: { k: unknown[]; c: [string, unknown, string | null, number | null][] } = { k: [], c: [] };
      for (const c of cols.filter((x) => x.kind === 'partition_key' || x.kind === 'clustering')) line.k.push(encode(c.type, row.get(c.name)));
      for (const c of regular) {
        const v = row.get(c.name);
        if (v === null || v === undefined) continue;
        const w = row.get(`w_${c.name}`) as types.Long | null;
        const t = row.get(`t_${c.name}`) as number | null;
        line.c.push([c.name, encode(c.type, v), w === null ? null : w.toString(), t]);
      }
      await write(`${JSON.stringify(line)}\n`);
      if (++rows % 10_000 === 0) onProgress?.(table, rows);
    }
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    onProgress?.(table, rows);
    out[table] = { file, rows, sha256: hash.digest('hex') };
  }
  return out;
}

/** Tables of the keyspace that hold at least one row (the keyspace may not exist: none). */
export async function nonEmptyTables(client: Client, keyspace: string): Promise<string[]> {
  assertCqlIdentifier(keyspace, 'keyspace');
  const out: string[] = [];
  for (const table of await tablesOf(client, keyspace)) {
    const rs = await client.execute(`SELECT * FROM ${q(keyspace)}.${q(table)} LIMIT 1`, [], { isIdempotent: true });
    if (rs.rowLength > 0) out.push(table);
  }
  return out;
}

export async function truncateKeyspace(client: Client, keyspace: string): Promise<void> {
  for (const table of await tablesOf(client, keyspace)) await client.execute(`TRUNCATE ${q(keyspace)}.${q(table)}`);
}

/**
 * Loads an export into the keyspace's (already migrated) tables: each row's cells are written
 * back grouped by their write time and TTL (`USING TIMESTAMP … AND TTL …`), so an older copy
 * never overwrites a newer write and an expired-by-now cell is not resurrected (its TTL is
 * reduced by the time since the export, and it is skipped once that is used up).
 *
 * The export comes partition by partition (a full scan reads in token order), so consecutive
 * statements of one partition go as one UNLOGGED batch: a single-partition batch is one
 * mutation on one replica set, several times cheaper than as many single inserts.
 */
export async function importKeyspace(
  client: Client,
  keyspace: string,
  dir: string,
  tables: Record<string, ExportedTable & { exportedAt?: string }>,
  opts: { concurrency?: number; batchStatements?: number; exportedAtMs: number },
  onProgress?: (table: string, rows: number) => void,
): Promise<Record<string, { rows: number; expired: number }>> {
  assertCqlIdentifier(keyspace, 'keyspace');
  const present = new Set(await tablesOf(client, keyspace));
  const loaded: Record<string, { rows: number; expired: number }> = {};
  const elapsedS = Math.max(0, Math.floor((Date.now() - opts.exportedAtMs) / 1000));
  for (const [table, t] of Object.entries(tables)) {
    if (!present.has(table)) throw new Error(`table ${table} of the backup does not exist in keyspace ${keyspace} (schema older than the backup?)`);
    const cols = await columnsOf(client, keyspace, table);
    const keys = cols.filter((c) => c.kind === 'partition_key' || c.kind === 'clustering');
    const partitionKeys = cols.filter((c) => c.kind === 'partition_key').length;
    const typeOf = new Map(cols.map((c) => [c.name, c.type]));
    const lines = createInterface({ input: createReadStream(join(dir, t.file), { encoding: 'utf8' }), crlfDelay: Infinity });
    const inflight = new Set<Promise<void>>();
    const limit = opts.concurrency ?? 32;
    let rows = 0;
    let expired = 0;
    let failure: unknown;
    const submit = (p: Promise<void>): void => {
      const tracked = p.catch((err: unknown) => void (failure ??= err)).finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    };
    const maxBatch = opts.batchStatements ?? 50;
    let batch: { query: string; params: unknown[] }[] = [];
    let batchPartition: string | null = null;
    // Stays well below Cassandra's batch_size_fail_threshold (50 KiB by default) for wide rows.
    const maxBatchChars = 16_384;
    let batchChars = 0;
    const sendBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      const queries = batch;
      batch = [];
      batchChars = 0;
      submit(
        queries.length === 1
          ? client.execute(queries[0]!.query, queries[0]!.params, { prepare: true, isIdempotent: true }).then(() => undefined)
          : client.batch(queries, { prepare: true, logged: false, isIdempotent: true }).then(() => undefined),
      );
      if (inflight.size >= limit) await Promise.race(inflight);
    };
    for await (const text of lines) {
      if (!text) continue;
      if (failure) break;
      const line = JSON.parse(text) as { k: unknown[]; c: [string, unknown, string | null, number | null][] };
      const keyValues = keys.map((c, i) => decode(c.type, line.k[i]));
      // One statement per (write time, TTL) group of cells; a row of key columns only is one plain insert.
      const groups = new Map<string, { w: string | null; ttl: number | null; cells: [string, unknown][] }>();
      for (const [name, v, w, ttl] of line.c) {
        const left = ttl === null ? null : ttl - elapsedS;
        if (left !== null && left <= 0) continue; // expired since the export
        const g = `${w}|${left}`;
        if (!groups.has(g)) groups.set(g, { w, ttl: left, cells: [] });
        groups.get(g)!.cells.push([name, decode(typeOf.get(name)!, v)]);
      }
      if (line.c.length > 0 && groups.size === 0) {
        rows++;
        expired++;
        continue;
      }
      const statements = groups.size === 0 ? [{ w: null, ttl: null, cells: [] as [string, unknown][] }] : [...groups.values()];
      const partition = JSON.stringify(line.k.slice(0, partitionKeys));
      if (partition !== batchPartition || batch.length >= maxBatch || batchChars + text.length > maxBatchChars) {
        await sendBatch();
        batchPartition = partition;
      }
      batchChars += text.length;
      for (const g of statements) {
        const names = [...keys.map((c) => c.name), ...g.cells.map(([n]) => n)];
        const using = [g.w !== null ? 'TIMESTAMP ?' : null, g.ttl !== null ? 'TTL ?' : null].filter(Boolean).join(' AND ');
        const cql = `INSERT INTO ${q(keyspace)}.${q(table)} (${names.map(q).join(', ')}) VALUES (${names.map(() => '?').join(', ')})${using ? ` USING ${using}` : ''}`;
        const params: unknown[] = [...keyValues, ...g.cells.map(([, v]) => v)];
        if (g.w !== null) params.push(types.Long.fromString(g.w));
        if (g.ttl !== null) params.push(g.ttl);
        batch.push({ query: cql, params });
      }
      if (++rows % 10_000 === 0) onProgress?.(table, rows);
    }
    if (!failure) await sendBatch();
    await Promise.all(inflight);
    if (failure) throw failure;
    onProgress?.(table, rows);
    loaded[table] = { rows, expired };
  }
  return loaded;
}

/** sha-256 of a file (to verify a backup before loading it). */
export function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
