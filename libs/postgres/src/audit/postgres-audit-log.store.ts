import { Injectable } from '@nestjs/common';
import {
  AppendOptions, AuditEntry, AuditEntryRejectedError, AuditFilter, AuditLogStore, ChainHead, GENESIS_HASH, Transaction,
} from '@smartgrid/audit';
import { DataSource, EntityManager } from 'typeorm';
import { inPgTransaction, managerOf, PgTransaction, sqlState } from '../postgres.transaction';
import { AUDIT_LOG_COLUMN_COUNT, AUDIT_LOG_COLUMNS, AUDIT_LOG_DETAILS_INDEX, AuditLogMapper, AuditLogRow } from './audit-log.mapper';

// Stays well under PostgreSQL's 65535 bind parameters per statement.
const ROWS_PER_INSERT = 1000;

/**
 * PostgreSQL refuses these values for good (SQLSTATE class 22 data exception or 23 integrity
 * violation); anything else (connection lost, server down) may succeed on a retry.
 */
function isRefusal(e: unknown): boolean {
  return /^2[23][0-9A-Z]{3}$/.test(sqlState(e) ?? '');
}

/**
 * The audit log in PostgreSQL (AuditLogStore): chain-locked appends, ordered reads for
 * verification, filtered queries, and the MongoDB mirror backlog. Needs `auditMigrations`.
 */
@Injectable()
export class PostgresAuditLogStore implements AuditLogStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inPgTransaction(this.dataSource, work);
  }

  async append(build: (head: ChainHead, tx: Transaction) => AuditEntry[] | Promise<AuditEntry[]>, options: AppendOptions): Promise<AuditEntry[]> {
    const run = async (tx: PgTransaction): Promise<AuditEntry[]> => {
      const m = tx.manager;
      // Locks the head row until commit (as the table's owner: the app role may not update it).
      const [h] = (await m.query('SELECT last_seq, last_hash FROM audit_chain_head_for_append()')) as {
        last_seq: string;
        last_hash: string;
      }[];
      if (!h) throw new Error('audit_chain_head is missing: the audit migrations have not run');
      const entries = await build({ lastSeq: Number(h.last_seq), lastHash: h.last_hash }, tx);
      for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
        const chunk = entries.slice(i, i + ROWS_PER_INSERT);
        await this.insertRows(m, chunk);
        if (options.enqueueMirror) {
          await m.query('INSERT INTO audit_mongo_backlog (seq) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING', [chunk.map((e) => e.seq)]);
        }
      }
      return entries;
    };
    try {
      if (options.tx) return await run(new PgTransaction(managerOf(this.dataSource, options.tx)));
      return await inPgTransaction(this.dataSource, run);
    } catch (e) {
      if (isRefusal(e)) throw new AuditEntryRejectedError(e instanceof Error ? e.message : String(e), { cause: e });
      throw e;
    }
  }

  private async insertRows(m: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const params: unknown[] = [];
    const tuples = entries.map((e, i) => {
      const b = i * AUDIT_LOG_COLUMN_COUNT;
      params.push(...AuditLogMapper.toPersistence(e));
      const p = Array.from({ length: AUDIT_LOG_COLUMN_COUNT }, (_, k) => `$${b + k + 1}`);
      p[AUDIT_LOG_DETAILS_INDEX] = `${p[AUDIT_LOG_DETAILS_INDEX]}::jsonb`;
      return `(${p.join(', ')})`;
    });
    await m.query(`INSERT INTO audit_log (${AUDIT_LOG_COLUMNS}) VALUES ${tuples.join(', ')}`, params);
  }

  async existingIds(ids: string[], tx?: Transaction): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await managerOf(this.dataSource, tx).query('SELECT id FROM audit_log WHERE id = ANY($1::uuid[])', [ids])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async head(tx?: Transaction): Promise<ChainHead> {
    const [h] = (await managerOf(this.dataSource, tx).query('SELECT last_seq, last_hash FROM audit_chain_head WHERE singleton')) as {
      last_seq: string;
      last_hash: string;
    }[];
    return h ? { lastSeq: Number(h.last_seq), lastHash: h.last_hash } : { lastSeq: 0, lastHash: GENESIS_HASH };
  }

  /** A read-only REPEATABLE READ transaction: one snapshot for the head and every page. */
  async inSnapshot<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      return fn(new PgTransaction(m));
    });
  }

  /** Keyset pages on seq. */
  async *readInOrder(tx?: Transaction, pageSize = 5000): AsyncGenerator<AuditEntry[]> {
    const m = managerOf(this.dataSource, tx);
    let after: number | null = null;
    for (;;) {
      const raw = (await (after === null
        ? m.query(`SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log ORDER BY seq LIMIT $1`, [pageSize])
        : m.query(`SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, pageSize]))) as AuditLogRow[];
      if (raw.length === 0) return;
      const entries = raw.map(AuditLogMapper.toDomain);
      yield entries;
      after = entries[entries.length - 1].seq;
      if (raw.length < pageSize) return;
    }
  }

  async find(filter: AuditFilter): Promise<AuditEntry[]> {
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
    const sql = `SELECT ${AUDIT_LOG_COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`;
    return ((await this.dataSource.query(sql, params)) as AuditLogRow[]).map(AuditLogMapper.toDomain);
  }

  async count(): Promise<number> {
    const [r] = (await this.dataSource.query('SELECT count(*)::bigint AS n FROM audit_log')) as { n: string }[];
    return Number(r.n);
  }

  // --- MongoDB mirror backlog -------------------------------------------------------------

  async backlogBatch(limit: number): Promise<AuditEntry[]> {
    const raw = (await this.dataSource.query(
      `SELECT ${AUDIT_LOG_COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}
         FROM audit_mongo_backlog b JOIN audit_log a ON a.seq = b.seq
        ORDER BY b.seq LIMIT $1`,
      [limit],
    )) as AuditLogRow[];
    return raw.map(AuditLogMapper.toDomain);
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

  async enqueueAfter(seq: number): Promise<void> {
    await this.dataSource.query('INSERT INTO audit_mongo_backlog (seq) SELECT seq FROM audit_log WHERE seq > $1 ON CONFLICT DO NOTHING', [seq]);
  }

  async oldestPendingSeq(): Promise<number | null> {
    const [r] = (await this.dataSource.query('SELECT min(seq)::bigint AS s FROM audit_mongo_backlog')) as { s: string | null }[];
    return r?.s == null ? null : Number(r.s);
  }

  async backlogSize(): Promise<number> {
    const [r] = (await this.dataSource.query('SELECT count(*)::bigint AS n FROM audit_mongo_backlog')) as { n: string }[];
    return Number(r.n);
  }
}
