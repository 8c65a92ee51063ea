import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRow, AuditRowFilter, ChainHead } from './audit-row';

const COLUMNS =
  'seq, id, occurred_at, recorded_at, actor, action, resource, origin, request_id, client_address, details, prev_hash, hash';
const PARAMS_PER_ROW = 13;
// Stays well under PostgreSQL's 65535 bind parameters per statement.
const ROWS_PER_INSERT = 1000;

/** An audit_log row as the pg driver returns it (bigint seq as text). */
export interface AuditDbRow {
  seq: string;
  id: string;
  occurred_at: Date;
  recorded_at: Date;
  actor: string;
  action: string;
  resource: string;
  origin: string;
  request_id: string | null;
  client_address: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** Maps a raw audit_log row (`SELECT *` or COLUMNS) to an AuditRow. */
export function auditRowFromDb(r: AuditDbRow): AuditRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    actor: r.actor,
    action: r.action,
    resource: r.resource,
    origin: r.origin,
    requestId: r.request_id,
    clientAddress: r.client_address,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface AppendOptions {
  /** Run inside the caller's transaction (e.g. together with the user change it records). */
  manager?: EntityManager;
  /** Also queue the new rows for the MongoDB mirror. */
  enqueueMirror: boolean;
}

/**
 * PostgreSQL side of the audit log: chain-locked appends, ordered reads for verification,
 * filtered queries, and the MongoDB mirror backlog. Knows rows, not hashing: the caller's
 * `build` callback turns the locked chain head into fully hashed rows.
 */
@Injectable()
export class AuditPgRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks the chain head (serialising all appenders until commit), lets `build` produce the
   * next rows from it, and inserts them. With no `manager`, runs in its own transaction.
   */
  async append(build: (head: ChainHead, manager: EntityManager) => AuditRow[] | Promise<AuditRow[]>, options: AppendOptions): Promise<AuditRow[]> {
    const run = async (m: EntityManager): Promise<AuditRow[]> => {
      const [h] = (await m.query('SELECT last_seq, last_hash FROM audit_chain_head WHERE singleton FOR UPDATE')) as {
        last_seq: string;
        last_hash: string;
      }[];
      if (!h) throw new Error('audit_chain_head is missing: the audit migrations have not run');
      const rows = await build({ lastSeq: Number(h.last_seq), lastHash: h.last_hash }, m);
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await this.insertRows(m, rows.slice(i, i + ROWS_PER_INSERT));
        if (options.enqueueMirror) {
          const seqs = rows.slice(i, i + ROWS_PER_INSERT).map((r) => r.seq);
          await m.query('INSERT INTO audit_mongo_backlog (seq) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING', [seqs]);
        }
      }
      return rows;
    };
    if (options.manager) return run(options.manager);
    return this.dataSource.transaction(run);
  }

  private async insertRows(m: EntityManager, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [];
    const tuples = rows.map((r, i) => {
      const b = i * PARAMS_PER_ROW;
      params.push(
        r.seq, r.id, r.occurredAt, r.recordedAt, r.actor, r.action, r.resource, r.origin,
        r.requestId, r.clientAddress, JSON.stringify(r.details), r.prevHash, r.hash,
      );
      const p = Array.from({ length: PARAMS_PER_ROW }, (_, k) => `$${b + k + 1}`);
      p[10] = `${p[10]}::jsonb`;
      return `(${p.join(', ')})`;
    });
    await m.query(`INSERT INTO audit_log (${COLUMNS}) VALUES ${tuples.join(', ')}`, params);
  }

  /** Which of these entry ids are already stored (for idempotent Kafka redelivery). */
  async existingIds(ids: string[], manager?: EntityManager): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await (manager ?? this.dataSource.manager).query('SELECT id FROM audit_log WHERE id = ANY($1::uuid[])', [ids])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async head(manager?: EntityManager): Promise<ChainHead> {
    const [h] = (await (manager ?? this.dataSource.manager).query('SELECT last_seq, last_hash FROM audit_chain_head WHERE singleton')) as {
      last_seq: string;
      last_hash: string;
    }[];
    return h ? { lastSeq: Number(h.last_seq), lastHash: h.last_hash } : { lastSeq: 0, lastHash: '0'.repeat(64) };
  }

  /**
   * Runs `fn` in a read-only REPEATABLE READ transaction: the head and every page it reads
   * come from one snapshot, so appends made meanwhile neither show up half-way nor look like
   * tampering.
   */
  async inSnapshot<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      return fn(m);
    });
  }

  /** Every row in seq order, in pages (keyset on seq), for chain verification. */
  async *readInOrder(manager?: EntityManager, pageSize = 5000): AsyncGenerator<AuditRow[]> {
    const m = manager ?? this.dataSource.manager;
    let after: number | null = null;
    for (;;) {
      const raw = (await (after === null
        ? m.query(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq LIMIT $1`, [pageSize])
        : m.query(`SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, pageSize]))) as AuditDbRow[];
      if (raw.length === 0) return;
      const rows = raw.map(auditRowFromDb);
      yield rows;
      after = rows[rows.length - 1].seq;
      if (raw.length < pageSize) return;
    }
  }

  /** Newest first. */
  async find(filter: AuditRowFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actor !== undefined) add('actor = ?', filter.actor);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.resource !== undefined) add('resource = ?', filter.resource);
    if (filter.from !== undefined) add('occurred_at >= ?', filter.from);
    if (filter.to !== undefined) add('occurred_at <= ?', filter.to);
    if (filter.beforeSeq !== undefined) add('seq < ?', filter.beforeSeq);
    if (filter.fromSeq !== undefined) add('seq >= ?', filter.fromSeq);
    if (filter.detailsPath !== undefined && filter.detailsValue !== undefined) {
      params.push(filter.detailsPath);
      add(`details #>> $${params.length}::text[] = ?`, filter.detailsValue);
    }
    params.push(filter.limit);
    const sql = `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`;
    return ((await this.dataSource.query(sql, params)) as AuditDbRow[]).map(auditRowFromDb);
  }

  async count(): Promise<number> {
    const [r] = (await this.dataSource.query('SELECT count(*)::bigint AS n FROM audit_log')) as { n: string }[];
    return Number(r.n);
  }

  // --- MongoDB mirror backlog -------------------------------------------------------------

  /** The oldest entries still waiting for MongoDB. */
  async backlogBatch(limit: number): Promise<AuditRow[]> {
    const raw = (await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}
         FROM audit_mongo_backlog b JOIN audit_log a ON a.seq = b.seq
        ORDER BY b.seq LIMIT $1`,
      [limit],
    )) as AuditDbRow[];
    return raw.map(auditRowFromDb);
  }

  async removeFromBacklog(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.dataSource.query('DELETE FROM audit_mongo_backlog WHERE seq = ANY($1::bigint[])', [seqs]);
  }

  async noteBacklogFailure(seqs: number[], error: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.dataSource.query(
      'UPDATE audit_mongo_backlog SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])',
      [seqs, error.slice(0, 1000)],
    );
  }

  /** Queues every entry after `seq` (entries written while the mirror was switched off). */
  async enqueueAfter(seq: number): Promise<void> {
    await this.dataSource.query('INSERT INTO audit_mongo_backlog (seq) SELECT seq FROM audit_log WHERE seq > $1 ON CONFLICT DO NOTHING', [seq]);
  }

  /** The oldest entry not yet in MongoDB (every older entry is there), or null. */
  async oldestPendingSeq(): Promise<number | null> {
    const [r] = (await this.dataSource.query('SELECT min(seq)::bigint AS s FROM audit_mongo_backlog')) as { s: string | null }[];
    return r?.s == null ? null : Number(r.s);
  }

  async backlogSize(): Promise<number> {
    const [r] = (await this.dataSource.query('SELECT count(*)::bigint AS n FROM audit_mongo_backlog')) as { n: string }[];
    return Number(r.n);
  }
}
