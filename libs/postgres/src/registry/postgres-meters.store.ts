import { Injectable } from '@nestjs/common';
import {
  Change,
  ListResult,
  Meter,
  MeterAssignment,
  MeterChanges,
  MeterDetail,
  MeterListQuery,
  MetersStore,
  NewMeter,
  PendingMismatch,
  RegistryConflictError,
  RegistryHasHistoryError,
  RegistryInputError,
} from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { registryCall, PgViolation } from './registry.errors';
import { ListingSpec, listingSql, pageOf, Params } from './registry-listing.query';
import { AssignmentRow, locationColumns, MeterLatestRow, MeterRow, MismatchRow, pointSql, RegistryMapper } from './registry.mapper';

/** The customer a meter is assigned to now. */
const CURRENT_CUSTOMER = (meter: string) =>
  `(SELECT a.customer_id FROM meter_assignments a WHERE a.meter_id = ${meter} AND a.valid_from <= now() ORDER BY a.valid_from DESC LIMIT 1)`;

const SELECT = `
  SELECT m.id, m.name, m.serial, m.model, ${locationColumns('m')}, m.status, m.installed_at, m.decommissioned_at,
         m.created_at, m.updated_at, l.ts AS last_seen_at, ${CURRENT_CUSTOMER('m.id')} AS customer_id{extra}
    FROM meters m LEFT JOIN meter_latest l ON l.meter_id = m.id`;

const LISTING: ListingSpec = {
  select: SELECT,
  alias: 'm',
  textColumns: ['m.id', 'm.name', 'm.serial'],
  sorts: {
    id: { expr: 'm.id', type: 'text' },
    name: { expr: "COALESCE(m.name, '')", type: 'text' },
    serial: { expr: "COALESCE(m.serial, '')", type: 'text' },
    status: { expr: 'm.status', type: 'text' },
    createdAt: { expr: 'm.created_at', type: 'timestamptz' },
    updatedAt: { expr: 'm.updated_at', type: 'timestamptz' },
    installedAt: { expr: "COALESCE(m.installed_at, '-infinity')", type: 'timestamptz' },
    lastSeenAt: { expr: "COALESCE(l.ts, '-infinity')", type: 'timestamptz' },
  },
};

const COLUMNS: Record<Exclude<keyof MeterChanges, 'location'>, string> = {
  name: 'name',
  serial: 'serial',
  model: 'model',
  status: 'status',
  installedAt: 'installed_at',
  decommissionedAt: 'decommissioned_at',
};

function explain(v: PgViolation): RegistryInputError | undefined {
  if (v.code === '23503' && v.constraint?.includes('customer_id')) return new RegistryInputError('customerId', 'names no customer in the registry');
  return undefined;
}

/** Advisory lock key: one mismatch reporter at a time across instances. */
const MISMATCH_REPORTER_LOCK = 0x5247_4d4d; // 'RGMM'

/**
 * MetersStore over `meters`, `meter_assignments` (whose triggers recompute the consumption an
 * assignment change re-attributes), `meter_latest` and `meter_customer_mismatches`.
 */
@Injectable()
export class PostgresMetersStore implements MetersStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  register(meter: NewMeter, actor: string): Promise<Change<MeterDetail>> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.detail(em, meter.id, true);
        if (before && before.status !== 'unregistered') throw new RegistryConflictError('meter', meter.id);
        const { id, customerId, ...fields } = meter;
        if (!before) {
          const inserted: { id: string }[] = await em.query('INSERT INTO meters (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [id]);
          if (inserted.length === 0) throw new RegistryConflictError('meter', id);
        }
        await this.update(em, id, fields);
        if (customerId !== undefined) {
          const assigned = before?.assignments ?? [];
          if (assigned.length === 0) {
            await this.insertAssignment(em, id, customerId, null, actor);
          } else if (before?.customerId !== customerId) {
            throw new RegistryInputError('customerId', `the meter is assigned to ${before?.customerId ?? 'no customer'} now; move it with POST /api/meters/${id}/assignments`);
          }
        }
        return { before, after: await this.detail(em, id, false) };
      }),
    );
  }

  get(id: string): Promise<MeterDetail | null> {
    return this.call(() => this.detail(this.dataSource.manager, id, false));
  }

  modify(id: string, decide: (current: MeterDetail) => MeterChanges): Promise<Change<MeterDetail> | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.detail(em, id, true);
        if (!before) return null;
        const changed = await this.update(em, id, decide(before));
        return { before, after: changed ? await this.detail(em, id, false) : before };
      }),
    );
  }

  remove(id: string): Promise<MeterDetail | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.detail(em, id, true);
        if (!before) return null;
        const [h]: { readings: boolean; sensors: boolean }[] = await em.query(
          `SELECT EXISTS (SELECT 1 FROM meter_readings WHERE meter_id = $1)
               OR EXISTS (SELECT 1 FROM meter_latest WHERE meter_id = $1)
               OR EXISTS (SELECT 1 FROM consumption_aggregates WHERE meter_id = $1) AS readings,
                  EXISTS (SELECT 1 FROM sensors WHERE meter_id = $1) AS sensors`,
          [id],
        );
        if (h!.readings) throw new RegistryHasHistoryError('meter', id, 'readings');
        if (h!.sensors) throw new RegistryConflictError('meter', id, `meter ${id} has sensors attached: move or delete them first`);
        await em.query('DELETE FROM meters WHERE id = $1', [id]);
        return before;
      }),
    );
  }

  list(q: MeterListQuery): Promise<ListResult<Meter>> {
    return this.call(async () => {
      const params = new Params();
      const where: string[] = [];
      if (q.customerId !== undefined) {
        const c = params.add(q.customerId);
        where.push(`m.id IN (SELECT meter_id FROM meter_assignments WHERE customer_id = ${c})`, `${CURRENT_CUSTOMER('m.id')} = ${c}`);
      }
      const sql = listingSql(LISTING, { ...q, where, ...(q.silentForMs !== undefined ? { silentFor: { lastSeen: 'l.ts', ms: q.silentForMs } } : {}) }, params);
      const rows: (MeterRow & { sort_key: string | number | null })[] = await this.dataSource.query(sql, params.values);
      const page = pageOf(rows, q.limit);
      return { items: page.rows.map(RegistryMapper.meterToDomain), next: page.next };
    });
  }

  assign(meterId: string, customerId: string, from: Date | null, actor: string): Promise<Change<MeterAssignment[]> | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const locked: unknown[] = await em.query('SELECT 1 FROM meters WHERE id = $1 FOR NO KEY UPDATE', [meterId]);
        if (locked.length === 0) return null;
        const before = await this.assignments(em, meterId);
        // The statement's trigger recomputes the consumption the change re-attributes.
        await this.insertAssignment(em, meterId, customerId, from, actor);
        return { before, after: await this.assignments(em, meterId) };
      }),
    );
  }

  reportCustomerMismatches(limit: number, report: (pending: PendingMismatch[]) => Promise<void>): Promise<number> {
    return this.call(() =>
      // Only an advisory lock is held while reporting: ingest, which counts mismatches, never waits for it.
      this.dataSource.transaction(async (em) => {
        const [turn]: { ok: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [MISMATCH_REPORTER_LOCK]);
        if (!turn!.ok) return 0;
        const rows: MismatchRow[] = await em.query(
          `SELECT meter_id, reading_customer_id, registry_customer_id, first_ts, last_ts, readings, notified_readings
             FROM meter_customer_mismatches WHERE readings > notified_readings
            ORDER BY meter_id, reading_customer_id, registry_customer_id LIMIT $1`,
          [limit],
        );
        if (rows.length === 0) return 0;
        await report(rows.map((r) => ({ ...RegistryMapper.mismatchToDomain(r), meterId: r.meter_id, reportedReadings: Number(r.notified_readings) })));
        await em.query(
          `UPDATE meter_customer_mismatches x SET notified_readings = GREATEST(x.notified_readings, v.readings)
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS v(meter_id, reading_customer_id, registry_customer_id, readings)
            WHERE x.meter_id = v.meter_id AND x.reading_customer_id = v.reading_customer_id AND x.registry_customer_id = v.registry_customer_id`,
          [rows.map((r) => r.meter_id), rows.map((r) => r.reading_customer_id), rows.map((r) => r.registry_customer_id), rows.map((r) => r.readings)],
        );
        return rows.length;
      }),
    );
  }

  private async detail(em: EntityManager, id: string, lock: boolean): Promise<MeterDetail | null> {
    const rows: MeterRow[] = await em.query(`${SELECT.replace('{extra}', '')} WHERE m.id = $1${lock ? ' FOR NO KEY UPDATE OF m' : ''}`, [id]);
    if (!rows[0]) return null;
    // One after the other: the queries may share a transaction's connection.
    const assignments = await this.assignments(em, id);
    const mismatches: MismatchRow[] = await em.query(
      `SELECT meter_id, reading_customer_id, registry_customer_id, first_ts, last_ts, readings, notified_readings
         FROM meter_customer_mismatches WHERE meter_id = $1 ORDER BY first_ts`,
      [id],
    );
    const latest: MeterLatestRow[] = await em.query('SELECT ts, customer_id, energy_kwh, power_kw, voltage FROM meter_latest WHERE meter_id = $1', [id]);
    return {
      ...RegistryMapper.meterToDomain(rows[0]),
      assignments,
      customerMismatches: mismatches.map(RegistryMapper.mismatchToDomain),
      latest: latest[0] ? RegistryMapper.meterLatestToDomain(latest[0]) : null,
    };
  }

  private async assignments(em: EntityManager, meterId: string): Promise<MeterAssignment[]> {
    const rows: AssignmentRow[] = await em.query(
      `SELECT a.customer_id, NULLIF(a.valid_from, '-infinity') AS valid_from, lead(a.valid_from) OVER (ORDER BY a.valid_from) AS until,
              a.created_at, a.created_by
         FROM meter_assignments a WHERE a.meter_id = $1 ORDER BY a.valid_from`,
      [meterId],
    );
    return rows.map(RegistryMapper.assignmentToDomain);
  }

  private async insertAssignment(em: EntityManager, meterId: string, customerId: string, from: Date | null, actor: string): Promise<void> {
    await em.query(
      `INSERT INTO meter_assignments (meter_id, valid_from, customer_id, created_by)
       VALUES ($1, COALESCE($2::timestamptz, '-infinity'), $3, $4)
       ON CONFLICT (meter_id, valid_from) DO UPDATE
          SET customer_id = EXCLUDED.customer_id, created_at = now(), created_by = EXCLUDED.created_by
        WHERE meter_assignments.customer_id <> EXCLUDED.customer_id`,
      [meterId, RegistryMapper.dateToPersistence(from), customerId, actor],
    );
  }

  private async update(em: EntityManager, id: string, changes: MeterChanges): Promise<boolean> {
    const params = new Params();
    const idParam = params.add(id);
    const sets: string[] = [];
    for (const [key, value] of Object.entries(changes) as [keyof MeterChanges, unknown][]) {
      if (value === undefined) continue;
      if (key === 'location') {
        const [lon, lat] = RegistryMapper.locationToPersistence(value as Meter['location']);
        sets.push(lon === null ? 'location = NULL' : `location = ${pointSql(params.add(lon), params.add(lat))}`);
      } else if (COLUMNS[key]) {
        sets.push(`${COLUMNS[key]} = ${params.add(value instanceof Date ? RegistryMapper.dateToPersistence(value) : value)}`);
      }
    }
    if (sets.length === 0) return false;
    await em.query(`UPDATE meters SET ${sets.join(', ')}, updated_at = now() WHERE id = ${idParam}`, params.values);
    return true;
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return registryCall(() => {
      this.connection.assertReady();
      return work();
    }, explain);
  }
}
