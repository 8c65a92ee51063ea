import { Inject, Injectable } from '@nestjs/common';
import { decodeBacklogRows, encodeBacklogRows, STORE_NAMES } from '@smartgrid/hybrid-storage';
import type { BacklogTargetStatus, NewQuarantineEntry, QuarantineEntry, QuarantineStore, StoreName } from '@smartgrid/hybrid-storage';
import { Client, types } from 'cassandra-driver';
import { assertCassandraReady, CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { statusByTarget } from './replication-entries.cql';
import { dayBucket } from './cassandra-timeseries.store';

const Q = { prepare: true } as const;
const COLUMNS = 'id, kind, payload, reason, attempts, first_failed_at, retries, last_error';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rows PostgreSQL refused, held in Cassandra (`replication_quarantine`, one partition per
 * target and UTC day of quarantine) until an operator acts. An entry's id is its timeuuid,
 * which also tells its day, so an id alone addresses it.
 */
@Injectable()
export class CassandraQuarantineStore implements QuarantineStore {
  readonly location = 'cassandra' as const;

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    private readonly connection: CassandraConnection,
  ) {}

  async add(entries: readonly NewQuarantineEntry[]): Promise<string[]> {
    assertCassandraReady(this.connection);
    const prepared = entries.map((e) => {
      const id = types.TimeUuid.now();
      return { e, id, day: dayBucket(id.getDate()) };
    });
    // The day is listed before its entries are written, so a listed day is never missed.
    for (const key of new Set(prepared.map((p) => `${p.e.target}|${p.day}`))) {
      const [target, day] = key.split('|');
      await this.client.execute('INSERT INTO replication_quarantine_days (target, day) VALUES (?, ?)', [target, day], Q);
    }
    await Promise.all(
      prepared.map(({ e, id, day }) =>
        this.client.execute(
          `INSERT INTO replication_quarantine (target, day, id, kind, payload, row_count, reason, attempts, first_failed_at, retries)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
          [e.target, day, id, e.kind, encodeBacklogRows(e), e.rows.length, e.reason.slice(0, 2000), e.attempts, e.firstFailedAt],
          Q,
        ),
      ),
    );
    return prepared.map((p) => p.id.toString());
  }

  async list(q: { target?: StoreName; limit: number; after?: string }): Promise<QuarantineEntry[]> {
    assertCassandraReady(this.connection);
    const after = q.after && UUID.test(q.after) ? types.TimeUuid.fromString(q.after) : undefined;
    const out: QuarantineEntry[] = [];
    for (const target of q.target ? [q.target] : this.targets()) {
      const startDay = after ? dayBucket(after.getDate()) : undefined;
      for (const day of await this.days(target)) {
        if (startDay && day < startDay) continue;
        const rs =
          after && day === startDay
            ? await this.client.execute(
                `SELECT ${COLUMNS} FROM replication_quarantine WHERE target = ? AND day = ? AND id > ? LIMIT ?`,
                [target, day, after, q.limit],
                Q,
              )
            : await this.client.execute(`SELECT ${COLUMNS} FROM replication_quarantine WHERE target = ? AND day = ? LIMIT ?`, [target, day, q.limit], Q);
        out.push(...rs.rows.map((r) => toEntry(target, r)));
        if (out.length >= q.limit) break;
      }
    }
    return out.sort((a, b) => a.quarantinedAt.getTime() - b.quarantinedAt.getTime()).slice(0, q.limit);
  }

  async get(id: string): Promise<QuarantineEntry | null> {
    assertCassandraReady(this.connection);
    const key = this.keyOf(id);
    if (!key) return null;
    for (const target of this.targets()) {
      const rs = await this.client.execute(`SELECT ${COLUMNS} FROM replication_quarantine WHERE target = ? AND day = ? AND id = ?`, [target, key.day, key.uuid], Q);
      const row = rs.first();
      if (row) return toEntry(target, row);
    }
    return null;
  }

  async recordRetry(id: string, error: string): Promise<void> {
    const entry = await this.get(id);
    const key = this.keyOf(id);
    if (!entry || !key) return;
    await this.client.execute(
      'UPDATE replication_quarantine SET retries = ?, last_error = ? WHERE target = ? AND day = ? AND id = ? IF EXISTS',
      [entry.retries + 1, error.slice(0, 2000), entry.target, key.day, key.uuid],
      Q,
    );
  }

  async remove(id: string): Promise<boolean> {
    const entry = await this.get(id);
    const key = this.keyOf(id);
    if (!entry || !key) return false;
    const rs = await this.client.execute('DELETE FROM replication_quarantine WHERE target = ? AND day = ? AND id = ? IF EXISTS', [entry.target, key.day, key.uuid], Q);
    return rs.wasApplied();
  }

  async status(): Promise<BacklogTargetStatus[]> {
    assertCassandraReady(this.connection);
    return statusByTarget(this.client, 'replication_quarantine', 'day', this.targets(), (target) => this.days(target));
  }

  private targets(): StoreName[] {
    return STORE_NAMES.filter((s) => s !== this.location);
  }

  private keyOf(id: string): { uuid: types.TimeUuid; day: string } | null {
    if (!UUID.test(id)) return null;
    const uuid = types.TimeUuid.fromString(id);
    return { uuid, day: dayBucket(uuid.getDate()) };
  }

  private async days(target: StoreName): Promise<string[]> {
    const rs = await this.client.execute('SELECT day FROM replication_quarantine_days WHERE target = ?', [target], Q);
    return rs.rows.map((r) => String(r.get('day'))).sort();
  }
}

function toEntry(target: StoreName, r: types.Row): QuarantineEntry {
  const id = r.get('id') as types.TimeUuid;
  const kind = r.get('kind') as 'sensor' | 'meter';
  return {
    ...decodeBacklogRows(kind, r.get('payload') as string),
    id: id.toString(),
    target,
    reason: (r.get('reason') as string | null) ?? '',
    attempts: Number(r.get('attempts') ?? 0),
    firstFailedAt: (r.get('first_failed_at') as Date | null) ?? id.getDate(),
    quarantinedAt: id.getDate(),
    retries: Number(r.get('retries') ?? 0),
    lastError: (r.get('last_error') as string | null) ?? null,
  };
}
