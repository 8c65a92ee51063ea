import { Inject, Injectable } from '@nestjs/common';
import { decodeBacklogRows, encodeBacklogRows, STORE_NAMES } from '@smartgrid/hybrid-storage';
import type { BacklogEntry, BacklogKind, BacklogStore, BacklogTargetStatus, NewBacklogEntry, ReleaseOutcome, StoreName } from '@smartgrid/hybrid-storage';
import { Client, types } from 'cassandra-driver';
import { assertCassandraReady, CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { statusByTarget } from './replication-entries.cql';

const BUCKET_MS = 60_000;
/** A bucket is closed (no append can still land in it) this long after its minute ends. */
const CLOSE_AFTER_MS = 60_000;
const Q = { prepare: true } as const;

/** `<bucket>/<timeuuid>`: everything needed to address the row again. */
function entryId(bucket: number, id: types.TimeUuid): string {
  return `${bucket}/${id.toString()}`;
}

function parseId(id: string): { bucket: number; uuid: types.TimeUuid } {
  const [bucket, uuid] = id.split('/');
  return { bucket: Number(bucket), uuid: types.TimeUuid.fromString(uuid!) };
}

/**
 * The replication backlog held in Cassandra: where writes that PostgreSQL missed wait while
 * PostgreSQL is down (a backlog inside PostgreSQL would be down with it). Durable on append
 * at the client's consistency (LOCAL_QUORUM), replicated like the rest of the keyspace, and
 * shared by every instance, unlike a local journal.
 *
 * Layout: entries are partitioned by (target, minute of creation) and ordered by timeuuid;
 * `replication_backlog_buckets` lists minutes that may hold entries. Claims read with an
 * in-memory cursor, so a drain never re-reads the tombstones of entries it already removed;
 * a bucket that is closed and empty is dropped whole (one partition tombstone).
 *
 * There are no leases: two instances draining at once may both replay an entry, which is
 * harmless (idempotent upserts, newer stamp wins). An entry released with a retry time
 * (`retry_at`, per-entry backoff) is skipped by claims until then.
 */
@Injectable()
export class CassandraBacklogStore implements BacklogStore {
  readonly location = 'cassandra' as const;
  /** Last id handed out per `target|bucket`. */
  private readonly cursors = new Map<string, types.TimeUuid>();

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    private readonly connection: CassandraConnection,
  ) {}

  async append(entries: readonly NewBacklogEntry[]): Promise<string[]> {
    assertCassandraReady(this.connection);
    const ids: string[] = [];
    const byTarget = new Map<StoreName, number>();
    const prepared = entries.map((e) => {
      const uuid = types.TimeUuid.now();
      const bucket = Math.floor(uuid.getDate().getTime() / BUCKET_MS);
      byTarget.set(e.target, bucket);
      ids.push(entryId(bucket, uuid));
      return { e, uuid, bucket };
    });
    // The bucket is listed before its entries are written, so a listed bucket is never missed.
    for (const [target, bucket] of byTarget) {
      await this.client.execute('INSERT INTO replication_backlog_buckets (target, bucket) VALUES (?, ?)', [target, bucket], Q);
    }
    await Promise.all(
      prepared.map(({ e, uuid, bucket }) =>
        this.client.execute(
          `INSERT INTO replication_backlog (target, bucket, id, kind, payload, row_count, reason, attempts)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
          [e.target, bucket, uuid, e.kind, encodeBacklogRows(e), e.rows.length, e.reason.slice(0, 2000)],
          Q,
        ),
      ),
    );
    return ids;
  }

  async claim(target: StoreName, limit: number): Promise<BacklogEntry[]> {
    assertCassandraReady(this.connection);
    const now = Date.now();
    for (const bucket of await this.buckets(target)) {
      const key = `${target}|${bucket}`;
      let cursor = this.cursors.get(key);
      let lookedBehind = cursor === undefined;
      let sawAny = false;
      for (;;) {
        const rows = await this.read(target, bucket, limit, cursor);
        if (rows.length === 0) {
          if (lookedBehind) break;
          // Look behind the cursor once: a released entry, or an append that landed late.
          lookedBehind = true;
          cursor = undefined;
          this.cursors.delete(key);
          continue;
        }
        sawAny = true;
        cursor = rows[rows.length - 1]!.get('id') as types.TimeUuid;
        this.cursors.set(key, cursor);
        // Entries waiting for their retry time stay where they are; the ones behind them go on.
        const due = rows.filter((r) => {
          const retryAt = r.get('retry_at') as Date | null;
          return retryAt === null || retryAt.getTime() <= now;
        });
        if (due.length > 0) return due.map((r) => this.toEntry(target, bucket, r));
      }
      if (!sawAny && this.isClosed(bucket)) await this.dropBucket(target, bucket);
    }
    return [];
  }

  async complete(entries: readonly BacklogEntry[]): Promise<void> {
    await Promise.all(
      entries.map((e) => {
        const { bucket, uuid } = parseId(e.id);
        return this.client.execute('DELETE FROM replication_backlog WHERE target = ? AND bucket = ? AND id = ?', [e.target, bucket, uuid], Q);
      }),
    );
  }

  async release(entry: BacklogEntry, outcome: ReleaseOutcome): Promise<void> {
    const { bucket, uuid } = parseId(entry.id);
    // Without a retry time the entry is due again at once: let the next claim look behind.
    if (outcome.retryAt === null) this.cursors.delete(`${entry.target}|${bucket}`);
    // IF EXISTS: never resurrect a half row for an entry another replayer already removed.
    await this.client.execute(
      'UPDATE replication_backlog SET attempts = ?, last_error = ?, retry_at = ? WHERE target = ? AND bucket = ? AND id = ? IF EXISTS',
      [outcome.attempts, outcome.error.slice(0, 2000), outcome.retryAt, entry.target, bucket, uuid],
      Q,
    );
  }

  async status(): Promise<BacklogTargetStatus[]> {
    assertCassandraReady(this.connection);
    return statusByTarget(this.client, 'replication_backlog', 'bucket', STORE_NAMES.filter((s) => s !== this.location), (target) => this.buckets(target));
  }

  private async buckets(target: StoreName): Promise<number[]> {
    const rs = await this.client.execute('SELECT bucket FROM replication_backlog_buckets WHERE target = ?', [target], Q);
    return rs.rows.map((r) => Number(r.get('bucket'))).sort((a, b) => a - b);
  }

  private async read(target: StoreName, bucket: number, limit: number, after?: types.TimeUuid): Promise<types.Row[]> {
    const cols = 'id, kind, payload, reason, attempts, retry_at';
    const rs = after
      ? await this.client.execute(
          `SELECT ${cols} FROM replication_backlog WHERE target = ? AND bucket = ? AND id > ? LIMIT ?`,
          [target, bucket, after, limit],
          Q,
        )
      : await this.client.execute(`SELECT ${cols} FROM replication_backlog WHERE target = ? AND bucket = ? LIMIT ?`, [target, bucket, limit], Q);
    return rs.rows;
  }

  private toEntry(target: StoreName, bucket: number, r: types.Row): BacklogEntry {
    const uuid = r.get('id') as types.TimeUuid;
    const kind = r.get('kind') as BacklogKind;
    return {
      ...decodeBacklogRows(kind, r.get('payload') as string),
      id: entryId(bucket, uuid),
      target,
      reason: (r.get('reason') as string | null) ?? '',
      createdAt: uuid.getDate(),
      attempts: Number(r.get('attempts') ?? 0),
    };
  }

  private isClosed(bucket: number): boolean {
    return (bucket + 1) * BUCKET_MS + CLOSE_AFTER_MS < Date.now();
  }

  private async dropBucket(target: StoreName, bucket: number): Promise<void> {
    await this.client.execute('DELETE FROM replication_backlog WHERE target = ? AND bucket = ?', [target, bucket], Q);
    await this.client.execute('DELETE FROM replication_backlog_buckets WHERE target = ? AND bucket = ?', [target, bucket], Q);
    this.cursors.delete(`${target}|${bucket}`);
  }
}
