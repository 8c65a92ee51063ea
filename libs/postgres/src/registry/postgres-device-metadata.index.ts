import { Injectable } from '@nestjs/common';
import { deviceKey } from '@smartgrid/registry';
import type { DeviceMetadataIndex, DeviceKind, DeviceRef, DeviceState, InboxEntry, LockedWork, Metadata, MetadataCopy } from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { registryCall } from './registry.errors';

const TABLE: Record<DeviceKind, string> = { sensor: 'sensors', meter: 'meters' };

/** Advisory lock key: one inbox drainer at a time across instances (keeps each device's changes in order). */
const INBOX_DRAINER_LOCK = 0x5247_4d49; // 'RGMI'

interface StateRow {
  id: string;
  metadata_rev: string;
  created_at: Date;
  now: Date;
}

interface InboxRow {
  seq: string;
  kind: DeviceKind;
  device_id: string;
  patch: Metadata;
  observed_at: Date;
}

/**
 * DeviceMetadataIndex over the registry rows (`sensors`, `meters`: `metadata_search`,
 * `metadata_rev`) and `device_metadata_inbox`. Writers lock rows FOR NO KEY UPDATE, which
 * does not block the foreign-key checks of readings being inserted for those devices.
 */
@Injectable()
export class PostgresDeviceMetadataIndex implements DeviceMetadataIndex {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  states(refs: readonly DeviceRef[]): Promise<Map<string, DeviceState>> {
    return this.call(() => this.read(this.dataSource.manager, refs, false));
  }

  withDevicesLocked<T>(refs: readonly DeviceRef[], work: (states: Map<string, DeviceState>) => Promise<LockedWork<T>>): Promise<T> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const states = await this.read(em, refs, true);
        const { copies, result } = await work(states);
        await this.storeCopies(em, copies);
        return result;
      }),
    );
  }

  drainInbox(
    limit: number,
    work: (entries: InboxEntry[], states: Map<string, DeviceState>) => Promise<{ copies: MetadataCopy[]; done: string[] }>,
  ): Promise<{ entries: number; done: number } | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const [turn]: { ok: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [INBOX_DRAINER_LOCK]);
        if (!turn!.ok) return null;
        const rows: InboxRow[] = await em.query(
          'SELECT seq, kind, device_id, patch, observed_at FROM device_metadata_inbox ORDER BY seq LIMIT $1',
          [limit],
        );
        if (rows.length === 0) return { entries: 0, done: 0 };
        const entries: InboxEntry[] = rows.map((r) => ({ seq: r.seq, ref: { kind: r.kind, id: r.device_id }, patch: r.patch, observedAt: r.observed_at }));
        const states = await this.read(em, entries.map((e) => e.ref), true);
        const { copies, done } = await work(entries, states);
        await this.storeCopies(em, copies);
        if (done.length > 0) await em.query('DELETE FROM device_metadata_inbox WHERE seq = ANY ($1::bigint[])', [done]);
        return { entries: rows.length, done: done.length };
      }),
    );
  }

  inboxDepth(): Promise<number> {
    return this.call(async () => {
      const [r]: { n: string }[] = await this.dataSource.query('SELECT count(*) AS n FROM device_metadata_inbox');
      return Number(r!.n);
    });
  }

  /** Both kinds, ids sorted within each (one lock order for every writer). */
  private async read(em: EntityManager, refs: readonly DeviceRef[], lock: boolean): Promise<Map<string, DeviceState>> {
    const out = new Map<string, DeviceState>();
    for (const kind of ['meter', 'sensor'] as const) {
      const ids = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))].sort();
      if (ids.length === 0) continue;
      const rows: StateRow[] = await em.query(
        `SELECT id, metadata_rev, created_at, now() AS now FROM ${TABLE[kind]} WHERE id = ANY ($1::text[]) ORDER BY id${lock ? ' FOR NO KEY UPDATE' : ''}`,
        [ids],
      );
      for (const r of rows) {
        const ref = { kind, id: r.id };
        out.set(deviceKey(ref), { ref, rev: Number(r.metadata_rev), registeredAt: r.created_at, now: r.now });
      }
    }
    return out;
  }

  private async storeCopies(em: EntityManager, copies: readonly MetadataCopy[]): Promise<void> {
    for (const kind of ['meter', 'sensor'] as const) {
      const mine = copies.filter((c) => c.ref.kind === kind);
      if (mine.length === 0) continue;
      await em.query(
        `UPDATE ${TABLE[kind]} t SET metadata_search = v.metadata, metadata_rev = v.rev
           FROM unnest($1::text[], $2::jsonb[], $3::bigint[]) AS v(id, metadata, rev)
          WHERE t.id = v.id AND t.metadata_rev < v.rev`,
        [mine.map((c) => c.ref.id), mine.map((c) => JSON.stringify(c.metadata)), mine.map((c) => c.rev)],
      );
    }
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return registryCall(() => {
      this.connection.assertReady();
      return work();
    });
  }
}
