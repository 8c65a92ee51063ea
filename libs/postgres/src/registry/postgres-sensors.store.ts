import { Injectable } from '@nestjs/common';
import {
  Change,
  LatestSensorReading,
  ListResult,
  NewSensor,
  RegistryConflictError,
  RegistryHasHistoryError,
  RegistryInputError,
  Sensor,
  SensorChanges,
  SensorListQuery,
  SensorsStore,
} from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { registryCall, PgViolation } from './registry.errors';
import { ListingSpec, listingSql, pageOf, Params } from './registry-listing.query';
import { locationColumns, pointSql, RegistryMapper, SensorLatestRow, SensorRow } from './registry.mapper';

const SELECT = `
  SELECT s.id, s.name, s.sensor_type, s.unit, ${locationColumns('s')}, s.status, s.meter_id, s.site,
         s.installed_at, s.decommissioned_at, s.created_at, s.updated_at, l.ts AS last_seen_at{extra}
    FROM sensors s LEFT JOIN sensor_latest l ON l.sensor_id = s.id`;

const LISTING: ListingSpec = {
  select: SELECT,
  alias: 's',
  textColumns: ['s.id', 's.name'],
  sorts: {
    id: { expr: 's.id', type: 'text' },
    name: { expr: "COALESCE(s.name, '')", type: 'text' },
    sensorType: { expr: 's.sensor_type', type: 'text' },
    status: { expr: 's.status', type: 'text' },
    createdAt: { expr: 's.created_at', type: 'timestamptz' },
    updatedAt: { expr: 's.updated_at', type: 'timestamptz' },
    installedAt: { expr: "COALESCE(s.installed_at, '-infinity')", type: 'timestamptz' },
    lastSeenAt: { expr: "COALESCE(l.ts, '-infinity')", type: 'timestamptz' },
  },
};

/** Descriptive fields ingest also fills: once an operator sets one, ingest leaves it alone. */
const OPERATOR_OWNED: Partial<Record<keyof SensorChanges, string>> = { sensorType: 'sensorType', unit: 'unit', location: 'location' };

const COLUMNS: Record<Exclude<keyof SensorChanges, 'location'>, string> = {
  sensorType: 'sensor_type',
  name: 'name',
  unit: 'unit',
  status: 'status',
  meterId: 'meter_id',
  site: 'site',
  installedAt: 'installed_at',
  decommissionedAt: 'decommissioned_at',
};

function explain(v: PgViolation): RegistryInputError | undefined {
  if (v.code === '23503' && v.constraint?.includes('meter_id')) return new RegistryInputError('meterId', 'names no registered meter');
  if (v.code === '23514' && v.constraint === 'sensors_meter_or_site') return new RegistryInputError('site', 'a sensor hangs off a meter or stands at a site, not both');
  return undefined;
}

/** SensorsStore over `sensors` (+ `sensor_latest`, kept by triggers on sensor_data). */
@Injectable()
export class PostgresSensorsStore implements SensorsStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  register(sensor: NewSensor): Promise<Change<Sensor>> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, sensor.id, true);
        if (before && before.status !== 'unregistered') throw new RegistryConflictError('sensor', sensor.id);
        const { id, ...fields } = sensor;
        if (before) {
          await this.update(em, id, fields);
        } else {
          const inserted: { id: string }[] = await em.query(
            // Created unregistered, then completed like a device ingest created first.
            `INSERT INTO sensors (id, sensor_type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
            [id, fields.sensorType],
          );
          if (inserted.length === 0) throw new RegistryConflictError('sensor', id);
          await this.update(em, id, fields);
        }
        return { before, after: await this.find(em, id, false) };
      }),
    );
  }

  get(id: string): Promise<Sensor | null> {
    return this.call(() => this.find(this.dataSource.manager, id, false));
  }

  modify(id: string, decide: (current: Sensor) => SensorChanges): Promise<Change<Sensor> | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        const changed = await this.update(em, id, decide(before));
        return { before, after: changed ? await this.find(em, id, false) : before };
      }),
    );
  }

  remove(id: string): Promise<Sensor | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        const [h]: { readings: boolean }[] = await em.query(
          `SELECT EXISTS (SELECT 1 FROM sensor_data WHERE sensor_id = $1)
               OR EXISTS (SELECT 1 FROM sensor_latest WHERE sensor_id = $1)
               OR EXISTS (SELECT 1 FROM sensor_aggregates WHERE sensor_id = $1) AS readings`,
          [id],
        );
        if (h!.readings) throw new RegistryHasHistoryError('sensor', id, 'readings');
        await em.query('DELETE FROM sensors WHERE id = $1', [id]);
        return before;
      }),
    );
  }

  list(q: SensorListQuery): Promise<ListResult<Sensor>> {
    return this.call(async () => {
      const params = new Params();
      const where: string[] = [];
      if (q.sensorType !== undefined) where.push(`s.sensor_type = ${params.add(q.sensorType)}`);
      if (q.meterId !== undefined) where.push(`s.meter_id = ${params.add(q.meterId)}`);
      if (q.site !== undefined) where.push(`s.site = ${params.add(q.site)}`);
      if (q.customerId !== undefined) {
        // On a meter assigned to the customer now.
        where.push(`s.meter_id IN (
          SELECT a.meter_id FROM meter_assignments a
           WHERE a.customer_id = ${params.add(q.customerId)}
             AND a.valid_from = (SELECT max(b.valid_from) FROM meter_assignments b WHERE b.meter_id = a.meter_id AND b.valid_from <= now()))`);
      }
      const sql = listingSql(LISTING, { ...q, where, ...(q.silentForMs !== undefined ? { silentFor: { lastSeen: 'l.ts', ms: q.silentForMs } } : {}) }, params);
      const rows: (SensorRow & { sort_key: string | number | null })[] = await this.dataSource.query(sql, params.values);
      const page = pageOf(rows, q.limit);
      return { items: page.rows.map(RegistryMapper.sensorToDomain), next: page.next };
    });
  }

  latest(id: string): Promise<{ sensor: Sensor; latest: LatestSensorReading | null } | null> {
    return this.call(async () => {
      const sensor = await this.find(this.dataSource.manager, id, false);
      if (!sensor) return null;
      const rows: SensorLatestRow[] = await this.dataSource.query('SELECT ts, value, unit FROM sensor_latest WHERE sensor_id = $1', [id]);
      return { sensor, latest: rows[0] ? RegistryMapper.sensorLatestToDomain(rows[0]) : null };
    });
  }

  private async find(em: EntityManager, id: string, lock: boolean): Promise<Sensor | null> {
    const rows: SensorRow[] = await em.query(`${SELECT.replace('{extra}', '')} WHERE s.id = $1${lock ? ' FOR NO KEY UPDATE OF s' : ''}`, [id]);
    return rows[0] ? RegistryMapper.sensorToDomain(rows[0]) : null;
  }

  /** Applies the given fields (absent keys untouched); false when there was nothing to change. */
  private async update(em: EntityManager, id: string, changes: SensorChanges): Promise<boolean> {
    const params = new Params();
    const idParam = params.add(id);
    const sets: string[] = [];
    const owned: string[] = [];
    for (const [key, value] of Object.entries(changes) as [keyof SensorChanges, unknown][]) {
      if (value === undefined) continue;
      if (key === 'location') {
        const [lon, lat] = RegistryMapper.locationToPersistence(value as Sensor['location']);
        sets.push(lon === null ? 'location = NULL' : `location = ${pointSql(params.add(lon), params.add(lat))}`);
      } else {
        const column = COLUMNS[key];
        if (!column) continue;
        sets.push(`${column} = ${params.add(value instanceof Date ? RegistryMapper.dateToPersistence(value) : value)}`);
      }
      const ownedField = OPERATOR_OWNED[key];
      if (ownedField) owned.push(ownedField);
    }
    if (sets.length === 0) return false;
    if (owned.length > 0) sets.push(`operator_fields = ARRAY(SELECT DISTINCT unnest(operator_fields || ${params.add(owned)}::text[]) ORDER BY 1)`);
    await em.query(`UPDATE sensors SET ${sets.join(', ')}, updated_at = now() WHERE id = ${idParam}`, params.values);
    return true;
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return registryCall(() => {
      this.connection.assertReady();
      return work();
    }, explain);
  }
}
