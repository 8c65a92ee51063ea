import { Injectable } from '@nestjs/common';
import { Change, ListResult, Meter, MeterAssignment, MeterChanges, MeterDetail, MeterListQuery, MetersStore, NewMeter, PendingMismatch, RegistryConflictError, RegistryHasHistoryError, RegistryInputError } from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { PostgresRegistryStore } from './postgres-registry.store';
import { PgViolation } from './registry.errors';
import { deviceSorts, ListingSpec, listingSql, Params } from './registry-listing.query';
import { AssignmentRow, locationColumns, MeterLatestRow, MeterRow, MismatchRow, RegistryMapper } from './registry.mapper';

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
  sorts: { ...deviceSorts('m'), serial: { expr: "COALESCE(m.serial, '')", type: 'text' } },

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
export class PostgresMetersStore extends PostgresRegistryStore<MeterDetail, MeterChanges> implements MetersStore {
  constructor(dataSource: DataSource, connection: PostgresConnection) {
    super('meter', 'meters', dataSource, connection, explain);
  }

  register(meter: NewMeter, actor: string): Promise<Change<MeterDetail>> {
    const { id, customerId, ...fields } = meter;
    return this.registerRecord(
      id,
      (em) => em.query('INSERT INTO meters (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [id]),
      async (em, before) => {
        await this.update(em, id, fields);
        if (customerId === undefined) return;
        if ((before?.assignments ?? []).length === 0) {
          await this.insertAssignment(em, id, customerId, null, actor);
        } else if (before?.customerId !== customerId) {
          throw new RegistryInputError('customerId', `the meter is assigned to ${before?.customerId ?? 'no customer'} now; move it with POST /api/meters/${id}/assignments`);
        }
      },
    );
  }

  remove(id: string): Promise<MeterDetail | null> {
    return this.removeRecord(id, async (em) => {
      const [h]: { readings: boolean; sensors: boolean }[] = await em.query(
        `SELECT EXISTS (SELECT 1 FROM meter_readings WHERE meter_id = $1)
             OR EXISTS (SELECT 1 FROM meter_latest WHERE meter_id = $1)
             OR EXISTS (SELECT 1 FROM consumption_aggregates WHERE meter_id = $1) AS readings,
                EXISTS (SELECT 1 FROM sensors WHERE meter_id = $1) AS sensors`,
        [id],
      );
      if (h!.readings) throw new RegistryHasHistoryError('meter', id, 'readings');
      if (h!.sensors) throw new RegistryConflictError('meter', id, `meter ${id} has sensors attached: move or delete them first`);
    });
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
      return this.listPage(sql, params, q.limit, (r: MeterRow & { sort_key: string | number | null }) => RegistryMapper.meterToDomain(r));
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

  protected async find(em: EntityManager, id: string, lock: boolean): Promise<MeterDetail | null> {
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

  protected update(em: EntityManager, id: string, changes: MeterChanges): Promise<boolean> {
    return this.updateColumns(em, id, changes, COLUMNS);
  }

}
