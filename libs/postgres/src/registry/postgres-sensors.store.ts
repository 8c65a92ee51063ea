import { Injectable } from '@nestjs/common';
import { Change, LatestSensorReading, ListResult, NewSensor, RegistryHasHistoryError, RegistryInputError, Sensor, SensorChanges, SensorListQuery, SensorsStore } from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { PostgresRegistryStore } from './postgres-registry.store';
import { PgViolation } from './registry.errors';
import { deviceSorts, ListingSpec, listingSql, Params } from './registry-listing.query';
import { locationColumns, RegistryMapper, SensorLatestRow, SensorRow } from './registry.mapper';

const SELECT = `
  SELECT s.id, s.name, s.sensor_type, s.unit, ${locationColumns('s')}, s.status, s.meter_id, s.site,
         s.installed_at, s.decommissioned_at, s.created_at, s.updated_at, l.ts AS last_seen_at{extra}
    FROM sensors s LEFT JOIN sensor_latest l ON l.sensor_id = s.id`;

const LISTING: ListingSpec = {
  select: SELECT,
  alias: 's',
  textColumns: ['s.id', 's.name'],
  sorts: { ...deviceSorts('s'), sensorType: { expr: 's.sensor_type', type: 'text' } },

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
export class PostgresSensorsStore extends PostgresRegistryStore<Sensor, SensorChanges> implements SensorsStore {
  constructor(dataSource: DataSource, connection: PostgresConnection) {
    super('sensor', 'sensors', dataSource, connection, explain);
  }

  register(sensor: NewSensor): Promise<Change<Sensor>> {
    const { id, ...fields } = sensor;
    return this.registerRecord(
      id,
      // Created unregistered, then completed like a device ingest created first.
      (em) => em.query(`INSERT INTO sensors (id, sensor_type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`, [id, fields.sensorType]),
      (em) => this.update(em, id, fields),
    );
  }

  remove(id: string): Promise<Sensor | null> {
    return this.removeRecord(id, async (em) => {
      const [h]: { readings: boolean }[] = await em.query(
        `SELECT EXISTS (SELECT 1 FROM sensor_data WHERE sensor_id = $1)
             OR EXISTS (SELECT 1 FROM sensor_latest WHERE sensor_id = $1)
             OR EXISTS (SELECT 1 FROM sensor_aggregates WHERE sensor_id = $1) AS readings`,
        [id],
      );
      if (h!.readings) throw new RegistryHasHistoryError('sensor', id, 'readings');
    });
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
      return this.listPage(sql, params, q.limit, (r: SensorRow & { sort_key: string | number | null }) => RegistryMapper.sensorToDomain(r));
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

  protected async find(em: EntityManager, id: string, lock: boolean): Promise<Sensor | null> {
    const rows: SensorRow[] = await em.query(`${SELECT.replace('{extra}', '')} WHERE s.id = $1${lock ? ' FOR NO KEY UPDATE OF s' : ''}`, [id]);
    return rows[0] ? RegistryMapper.sensorToDomain(rows[0]) : null;
  }

  protected update(em: EntityManager, id: string, changes: SensorChanges): Promise<boolean> {
    return this.updateColumns(em, id, changes, COLUMNS, (setKeys, params) => {
      const owned = setKeys.flatMap((k) => OPERATOR_OWNED[k] ?? []);
      return owned.length > 0 ? [`operator_fields = ARRAY(SELECT DISTINCT unnest(operator_fields || ${params.add(owned)}::text[]) ORDER BY 1)`] : [];
    });
  }

}
