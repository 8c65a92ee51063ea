import { Injectable, OnModuleInit } from '@nestjs/common';
import type {
  MeterReading,
  RangeDeletion,
  SensorReading,
  SeriesKind,
  SeriesQuery,
  Stamped,
  TimeSeriesStore,
} from '@smartgrid/hybrid-storage';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { refusalsClassified } from './pg.refusal';

interface SensorRow {
  ts: Date;
  value: number;
  written_at_us: string;
  sensor_type: string;
  /** The unit the reading came with (not the sensor's current one). */
  unit: string | null;
}

interface MeterRow {
  ts: Date;
  customer_id: string;
  energy_kwh: number;
  power_kw: number | null;
  voltage: number | null;
  written_at_us: string;
}

/**
 * The statement that ends an insert of new devices (CTE `ins`, input `u`): the metadata they
 * reported goes to `device_metadata_inbox`, for the registry to put in the MongoDB document.
 */
function inboxOfInserted(kind: 'sensor' | 'meter'): string {
  return `INSERT INTO device_metadata_inbox (kind, device_id, patch, observed_at)
  SELECT '${kind}', ins.id, ins.metadata, u.observed_at FROM ins JOIN u ON u.id = ins.id
   WHERE ins.metadata <> '{}'::jsonb ORDER BY ins.id`;
}


// Rows a range deletion covers (deleted_ranges: timestamp in the range, stamp not newer than
// the deletion's) are skipped, so no replay, backfill or repair of an older write undoes it.
const UPSERT_SENSOR_DATA = `
  INSERT INTO sensor_data AS d (sensor_id, ts, value, written_at_us, unit)
  SELECT u.* FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::int8[], $5::text[]) AS u(sensor_id, ts, value, written_at_us, unit)
   WHERE NOT EXISTS (SELECT 1 FROM deleted_ranges x
                      WHERE x.kind = 'sensor' AND x.series_id = u.sensor_id AND x.from_ts <= u.ts AND x.to_ts > u.ts
                        AND x.deleted_at_us >= u.written_at_us)
  ON CONFLICT (sensor_id, ts) DO UPDATE
     SET value = EXCLUDED.value, written_at_us = EXCLUDED.written_at_us, unit = EXCLUDED.unit
   WHERE d.written_at_us < EXCLUDED.written_at_us`;

const UPSERT_METER_READINGS = `
  INSERT INTO meter_readings AS m (meter_id, ts, customer_id, energy_kwh, power_kw, voltage, written_at_us)
  SELECT u.* FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int8[])
           AS u(meter_id, ts, customer_id, energy_kwh, power_kw, voltage, written_at_us)
   WHERE NOT EXISTS (SELECT 1 FROM deleted_ranges x
                      WHERE x.kind = 'meter' AND x.series_id = u.meter_id AND x.from_ts <= u.ts AND x.to_ts > u.ts
                        AND x.deleted_at_us >= u.written_at_us)
  ON CONFLICT (meter_id, ts) DO UPDATE
     SET customer_id = EXCLUDED.customer_id, energy_kwh = EXCLUDED.energy_kwh, power_kw = EXCLUDED.power_kw,
         voltage = EXCLUDED.voltage, written_at_us = EXCLUDED.written_at_us
   WHERE m.written_at_us < EXCLUDED.written_at_us`;

/**
 * Sensors seen in a batch: created when new (no lock taken on existing rows; status
 * `unregistered` until an operator completes them), then updated only where the description
 * changed, so steady-state batches do not serialise on sensor rows. Fields an operator has set
 * (`operator_fields`) are left alone. Metadata the device reports is merged into `metadata`;
 * when that changes anything, the change goes to `device_metadata_inbox` in the same
 * transaction, for the registry to apply to the MongoDB document. Ids are sorted to give
 * concurrent batches one lock order.
 */
const SENSOR_INPUT = `
  SELECT u.id, u.type, u.unit, u.meta, u.observed_at,
         CASE WHEN u.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography END AS location
    FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::jsonb[], $7::timestamptz[])
         AS u(id, type, unit, lat, lon, meta, observed_at)`;

const INSERT_SENSORS = `
  WITH u AS (${SENSOR_INPUT}),
  ins AS (
    INSERT INTO sensors (id, sensor_type, unit, location, metadata)
    SELECT u.id, u.type, u.unit, u.location, COALESCE(u.meta, '{}'::jsonb) FROM u ORDER BY u.id
    ON CONFLICT (id) DO NOTHING
    RETURNING id, metadata
  )
  ${inboxOfInserted('sensor')}`;

const UPDATE_SENSORS = `
  WITH u AS (${SENSOR_INPUT}),
  changed AS (
    SELECT s.id, (u.meta IS NOT NULL AND (s.metadata || u.meta) <> s.metadata) AS meta_changed
      FROM sensors s JOIN u ON u.id = s.id
     WHERE (NOT 'sensorType' = ANY (s.operator_fields) AND s.sensor_type IS DISTINCT FROM u.type)
        OR (NOT 'unit' = ANY (s.operator_fields) AND u.unit IS NOT NULL AND s.unit IS DISTINCT FROM u.unit)
        OR (NOT 'location' = ANY (s.operator_fields) AND u.location IS NOT NULL
            AND (s.location IS NULL OR NOT ST_Equals(s.location::geometry, u.location::geometry)))
        OR (u.meta IS NOT NULL AND (s.metadata || u.meta) <> s.metadata)
     ORDER BY s.id
       FOR NO KEY UPDATE OF s
  ), upd AS (
    UPDATE sensors s
       SET sensor_type = CASE WHEN 'sensorType' = ANY (s.operator_fields) THEN s.sensor_type ELSE u.type END,
           unit = CASE WHEN 'unit' = ANY (s.operator_fields) THEN s.unit ELSE COALESCE(u.unit, s.unit) END,
           location = CASE WHEN 'location' = ANY (s.operator_fields) THEN s.location ELSE COALESCE(u.location, s.location) END,
           metadata = s.metadata || COALESCE(u.meta, '{}'::jsonb),
           updated_at = now()
      FROM u JOIN changed c ON c.id = u.id
     WHERE s.id = u.id
    RETURNING s.id, c.meta_changed, u.meta, u.observed_at
  )
  INSERT INTO device_metadata_inbox (kind, device_id, patch, observed_at)
  SELECT 'sensor', id, meta, observed_at FROM upd WHERE meta_changed ORDER BY id`;

const INSERT_CUSTOMERS = `
  INSERT INTO customers (id) SELECT DISTINCT unnest($1::text[]) ORDER BY 1 ON CONFLICT (id) DO NOTHING`;

const METER_INPUT = `
  SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS u(id, customer_id, meta, observed_at)`;

/**
 * Meters seen in a batch: a new one is `unregistered` and assigned to the customer its first
 * reading names, since the beginning (`-infinity`); later readings never change assignments
 * (a reading naming another customer is flagged by a trigger instead). Reported metadata as
 * for sensors.
 */
const INSERT_METERS = `
  WITH u AS (${METER_INPUT}),
  ins AS (
    INSERT INTO meters (id, metadata)
    SELECT u.id, COALESCE(u.meta, '{}'::jsonb) FROM u ORDER BY u.id
    ON CONFLICT (id) DO NOTHING
    RETURNING id, metadata
  ), assigned AS (
    INSERT INTO meter_assignments (meter_id, valid_from, customer_id, created_by)
    SELECT ins.id, '-infinity', u.customer_id, 'ingest' FROM ins JOIN u ON u.id = ins.id ORDER BY ins.id
  )
  ${inboxOfInserted('meter')}`;

const UPDATE_METERS = `
  WITH u AS (${METER_INPUT}),
  changed AS (
    SELECT m.id FROM meters m JOIN u ON u.id = m.id
     WHERE u.meta IS NOT NULL AND (m.metadata || u.meta) <> m.metadata
     ORDER BY m.id
       FOR NO KEY UPDATE OF m
  ), upd AS (
    UPDATE meters m SET metadata = m.metadata || u.meta
      FROM u JOIN changed c ON c.id = u.id
     WHERE m.id = u.id
    RETURNING m.id, u.meta, u.observed_at
  )
  INSERT INTO device_metadata_inbox (kind, device_id, patch, observed_at)
  SELECT 'meter', id, meta, observed_at FROM upd ORDER BY id`;

/**
 * What writing one kind of reading takes: its partitioned table, the upsert of the readings
 * (with the arrays it unnests, in order) and the reference rows (sensors or meters, with
 * their customers) the readings point at.
 */
interface ReadingsWrite<R> {
  table: 'sensor_data' | 'meter_readings';
  upsert: string;
  columns: ((r: R) => unknown)[];
  deviceIdOf: (r: R) => string;
  /** The device's key in the store's cache of reference rows. */
  referenceKeyOf: (r: R) => string;
  /** The description stored for the device: a changed one is written again. */
  signatureOf: (r: R) => string;
  upsertDevices: (em: EntityManager, devices: R[]) => Promise<void>;
}

const SENSOR_READINGS: ReadingsWrite<Stamped<SensorReading>> = {
  table: 'sensor_data',
  upsert: UPSERT_SENSOR_DATA,
  columns: [
    (r) => r.sensorId,
    (r) => r.timestamp.toISOString(),
    (r) => r.value,
    (r) => r.writtenAtUs,
    (r) => r.unit ?? null,
  ],
  deviceIdOf: (r) => r.sensorId,
  referenceKeyOf: (s) => `s|${s.sensorId}`,
  signatureOf: (s) => JSON.stringify([s.sensorType, s.unit ?? null, s.location ?? null, s.metadata ?? null]),
  upsertDevices: async (em, sensors) => {
    const params = unnestColumns(
      sensors,
      (s) => s.sensorId,
      (s) => s.sensorType,
      (s) => s.unit ?? null,
      (s) => s.location?.lat ?? null,
      (s) => s.location?.lon ?? null,
      (s) => (s.metadata === undefined ? null : JSON.stringify(s.metadata)),
      (s) => s.timestamp.toISOString(),
    );
    await em.query(INSERT_SENSORS, params);
    await em.query(UPDATE_SENSORS, params);
  },
};

const METER_READINGS: ReadingsWrite<Stamped<MeterReading>> = {
  table: 'meter_readings',
  upsert: UPSERT_METER_READINGS,
  columns: [
    (r) => r.meterId,
    (r) => r.timestamp.toISOString(),
    (r) => r.customerId,
    (r) => r.energyKwh,
    (r) => r.powerKw ?? null,
    (r) => r.voltage ?? null,
    (r) => r.writtenAtUs,
  ],
  deviceIdOf: (r) => r.meterId,
  referenceKeyOf: (m) => `m|${m.meterId}`,
  signatureOf: (m) => JSON.stringify([m.customerId, m.metadata ?? null]),
  upsertDevices: async (em, meters) => {
    await em.query(INSERT_CUSTOMERS, [meters.map((m) => m.customerId)]);
    const params = unnestColumns(
      meters,
      (m) => m.meterId,
      (m) => m.customerId,
      (m) => (m.metadata === undefined ? null : JSON.stringify(m.metadata)),
      (m) => m.timestamp.toISOString(),
    );
    await em.query(INSERT_METERS, params);
    await em.query(UPDATE_METERS, params);
  },
};

/**
 * TimeSeriesStore over PostgreSQL (sensor_data, meter_readings and the reference rows they
 * point at). A batch is one transaction of a few multi-row statements: reference rows first
 * so foreign keys hold, then one `INSERT … SELECT unnest(…) ON CONFLICT` for the readings.
 */
@Injectable()
export class PostgresTimeSeriesStore implements TimeSeriesStore, OnModuleInit {
  readonly name = 'postgres' as const;
  /** `<table>|<UTC month start ms>` of monthly partitions known to exist. */
  private readonly partitions = new Set<string>();
  /** Reference rows (sensors, meters) stored by this process → the description stored. */
  private readonly references = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  /** This month's and next month's partitions, once connected (now, or when a background connection succeeds). */
  onModuleInit(): Promise<void> {
    return this.connection.onReady(async () => {
      const now = new Date();
      const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      await this.ensurePartitions([now, nextMonth]);
      await this.ensurePartitions([now, nextMonth], 'meter_readings');
    });
  }

  async ping(): Promise<void> {
    this.connection.assertReady();
    await this.dataSource.query('SELECT 1');
  }

  upsertSensorReadings(rows: readonly Stamped<SensorReading>[]): Promise<void> {
    return this.upsertReadings(rows, SENSOR_READINGS);
  }

  upsertMeterReadings(rows: readonly Stamped<MeterReading>[]): Promise<void> {
    return this.upsertReadings(rows, METER_READINGS);
  }

  /** One batch of readings of one kind: partitions, then the devices and the readings (see withReferences). */
  private async upsertReadings<R extends { timestamp: Date }>(rows: readonly R[], kind: ReadingsWrite<R>): Promise<void> {
    if (rows.length === 0) return;
    this.connection.assertReady();
    await this.ensurePartitions(rows.map((r) => r.timestamp), kind.table);
    const data = unnestColumns(rows, ...kind.columns);
    await this.withReferences(latestPerId(rows, kind.deviceIdOf), kind.referenceKeyOf, kind.signatureOf, kind.upsertDevices, (em) => em.query(kind.upsert, data));
  }

  /**
   * Runs `write` after making sure the reference rows it points at exist. References this
   * process has already stored with the same description are skipped, so a steady stream
   * costs one statement per batch; the others are upserted in the same transaction as the
   * write. Should a cached reference have vanished (deleted by hand), the foreign key fails,
   * the cache is dropped and the batch is retried once with every reference. Errors that
   * mean PostgreSQL refuses the rows themselves come out as StoreRefusedError.
   */
  private withReferences<T>(
    refs: T[],
    keyOf: (r: T) => string,
    signatureOf: (r: T) => string,
    upsertRefs: (em: EntityManager, refs: T[]) => Promise<void>,
    write: (em: EntityManager | DataSource) => Promise<unknown>,
  ): Promise<void> {
    return refusalsClassified(() => this.writeWithReferences(refs, keyOf, signatureOf, upsertRefs, write));
  }

  private async writeWithReferences<T>(
    refs: T[],
    keyOf: (r: T) => string,
    signatureOf: (r: T) => string,
    upsertRefs: (em: EntityManager, refs: T[]) => Promise<void>,
    write: (em: EntityManager | DataSource) => Promise<unknown>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const todo = attempt === 1 ? refs.filter((r) => this.references.get(keyOf(r)) !== signatureOf(r)) : refs;
      try {
        if (todo.length === 0) {
          await write(this.dataSource);
        } else {
          await this.dataSource.transaction(async (em) => {
            await upsertRefs(em, todo);
            await write(em);
          });
          if (this.references.size > 200_000) this.references.clear();
          for (const r of todo) this.references.set(keyOf(r), signatureOf(r));
        }
        return;
      } catch (err) {
        if (attempt > 1 || !isForeignKeyViolation(err)) throw err;
        this.references.clear();
      }
    }
  }

  async querySensorReadings(q: SeriesQuery): Promise<Stamped<SensorReading>[]> {
    const rows = await this.newestFirst<SensorRow>(
      'SELECT d.ts, d.value, d.written_at_us, s.sensor_type, d.unit FROM sensor_data d JOIN sensors s ON s.id = d.sensor_id',
      'd.sensor_id',
      'd.ts',
      q,
    );
    return rows.map((r) => {
      const out: Stamped<SensorReading> = {
        sensorId: q.id,
        sensorType: r.sensor_type,
        value: r.value,
        timestamp: r.ts,
        writtenAtUs: Number(r.written_at_us),
      };
      if (r.unit !== null) out.unit = r.unit;
      return out;
    });
  }

  async queryMeterReadings(q: SeriesQuery): Promise<Stamped<MeterReading>[]> {
    const rows = await this.newestFirst<MeterRow>('SELECT ts, customer_id, energy_kwh, power_kw, voltage, written_at_us FROM meter_readings', 'meter_id', 'ts', q);
    return rows.map((r) => {
      const out: Stamped<MeterReading> = {
        meterId: q.id,
        customerId: r.customer_id,
        timestamp: r.ts,
        energyKwh: r.energy_kwh,
        writtenAtUs: Number(r.written_at_us),
      };
      if (r.power_kw !== null) out.powerKw = r.power_kw;
      if (r.voltage !== null) out.voltage = r.voltage;
      return out;
    });
  }

  listSensorIds(from: Date, to: Date): Promise<string[]> {
    return this.idsWithReadings('sensors', 'sensor_data', 'sensor_id', from, to);
  }

  listMeterIds(from: Date, to: Date): Promise<string[]> {
    return this.idsWithReadings('meters', 'meter_readings', 'meter_id', from, to);
  }

  /** One series' rows in [from, to), newest first, at most `limit` (all without one). */
  private newestFirst<R>(select: string, idColumn: string, tsColumn: string, q: SeriesQuery): Promise<R[]> {
    return this.dataSource.query(
      `${select} WHERE ${idColumn} = $1 AND ${tsColumn} >= $2 AND ${tsColumn} < $3 ORDER BY ${tsColumn} DESC LIMIT $4`,
      [q.id, q.from.toISOString(), q.to.toISOString(), q.limit ?? null],
    );
  }

  /** Devices with a reading in [from, to), in id order. */
  private async idsWithReadings(devices: 'sensors' | 'meters', readings: 'sensor_data' | 'meter_readings', idColumn: 'sensor_id' | 'meter_id', from: Date, to: Date): Promise<string[]> {
    // Probes each device's primary-key range instead of scanning the time range.
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT x.id FROM ${devices} x
        WHERE EXISTS (SELECT 1 FROM ${readings} r WHERE r.${idColumn} = x.id AND r.ts >= $1 AND r.ts < $2)
        ORDER BY x.id`,
      [from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Applies a range deletion in one transaction: records it in `deleted_ranges` (the upsert
   * then skips the rows it covers) and deletes the rows (the aggregates' DELETE triggers
   * recompute what they were part of). The SHARE ROW EXCLUSIVE lock waits for the table's
   * writers in flight and holds new ones until commit: an upsert that started before the
   * deletion could otherwise commit a covered row the DELETE did not see yet, and one that
   * starts after it sees the record.
   */
  async deleteRange(d: RangeDeletion): Promise<{ rows: number | null }> {
    this.connection.assertReady();
    const table = d.kind === 'sensor' ? 'sensor_data' : 'meter_readings';
    const idColumn = d.kind === 'sensor' ? 'sensor_id' : 'meter_id';
    return this.dataSource.transaction(async (em) => {
      await em.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
      await em.query(
        `INSERT INTO deleted_ranges (kind, series_id, from_ts, to_ts, deleted_at_us) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [d.kind, d.id, d.from.toISOString(), d.to.toISOString(), d.deletedAtUs],
      );
      const deleted: { n: string }[] = await em.query(
        `WITH gone AS (DELETE FROM ${table} WHERE ${idColumn} = $1 AND ts >= $2 AND ts < $3 AND written_at_us <= $4 RETURNING 1)
         SELECT count(*) AS n FROM gone`,
        [d.id, d.from.toISOString(), d.to.toISOString(), d.deletedAtUs],
      );
      return { rows: Number(deleted[0]?.n ?? 0) };
    });
  }

  async listDeletions(kind: SeriesKind, id: string, from: Date, to: Date): Promise<RangeDeletion[]> {
    this.connection.assertReady();
    const rows: { from_ts: Date; to_ts: Date; deleted_at_us: string }[] = await this.dataSource.query(
      `SELECT from_ts, to_ts, deleted_at_us FROM deleted_ranges
        WHERE kind = $1 AND series_id = $2 AND from_ts < $4 AND to_ts > $3
        ORDER BY deleted_at_us`,
      [kind, id, from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => ({ kind, id, from: new Date(r.from_ts), to: new Date(r.to_ts), deletedAtUs: Number(r.deleted_at_us) }));
  }

  /** Drops the monthly partitions that end at or before `horizon` and forgets deletions that end before it. */
  async dropExpired(kind: SeriesKind, horizon: Date): Promise<string[]> {
    this.connection.assertReady();
    const table = kind === 'sensor' ? 'sensor_data' : 'meter_readings';
    const rows: { dropped: string[] | null }[] = await this.dataSource.query('SELECT drop_expired_partitions($1, $2) AS dropped', [table, horizon.toISOString()]);
    const dropped = rows[0]?.dropped ?? [];
    for (const name of dropped) {
      const m = /_(\d{4})_(\d{2})$/.exec(name);
      if (m) this.partitions.delete(`${table}|${Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)}`);
    }
    await this.dataSource.query('DELETE FROM deleted_ranges WHERE kind = $1 AND to_ts <= $2', [kind, horizon.toISOString()]);
    return dropped;
  }

  /** Creates the monthly partitions of `table` these instants fall in, if missing. */
  async ensurePartitions(instants: readonly Date[], table: 'sensor_data' | 'meter_readings' = 'sensor_data'): Promise<void> {
    const months = new Set<number>();
    for (const t of instants) {
      const m = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
      if (!this.partitions.has(`${table}|${m}`)) months.add(m);
    }
    if (months.size === 0) return;
    const list = [...months].sort((a, b) => a - b);
    const fn = table === 'sensor_data' ? 'ensure_sensor_data_partition' : 'ensure_meter_readings_partition';
    await this.dataSource.query(`SELECT ${fn}(m) FROM unnest($1::timestamptz[]) AS m`, [list.map((m) => new Date(m).toISOString())]);
    for (const m of list) this.partitions.add(`${table}|${m}`);
  }
}

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === '23503' || e?.driverError?.code === '23503';
}

/** The arrays `unnest($1::…[], $2::…[], …)` takes: one per column, in the order given. */
function unnestColumns<T>(rows: readonly T[], ...columns: ((row: T) => unknown)[]): unknown[][] {
  return columns.map((column) => rows.map(column));
}

/** One entry per id (the one with the latest timestamp), sorted by id. */
function latestPerId<T extends { timestamp: Date }>(rows: readonly T[], idOf: (r: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const r of rows) {
    const prev = byId.get(idOf(r));
    if (!prev || prev.timestamp <= r.timestamp) byId.set(idOf(r), r);
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}
