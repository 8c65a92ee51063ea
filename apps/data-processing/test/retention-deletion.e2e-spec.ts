import { CASSANDRA_CLIENT, CassandraBacklogStore } from '@smartgrid/cassandra';
import { BacklogReplayer, StorageSyncService } from '@smartgrid/hybrid-storage';
import type { MeterReading, SensorReading, Stamped } from '@smartgrid/hybrid-storage';
import { PostgresBacklogStore } from '@smartgrid/postgres';
import { startServer, stopServer, waitFor } from '@smartgrid/testing';
import { Client } from 'cassandra-driver';
import request from 'supertest';
import { RetentionJob } from '../src/storage/retention.job';
import { readAuditEvents } from './support/audit-events';
import { Harness, startHarness } from './support/harness';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 365;

/**
 * Retention and deletion by range on the real servers: PostgreSQL drops whole partitions at the
 * retention edge (not a month early), Cassandra's TTL follows the same setting counted from each
 * reading's timestamp, replay and reconcile bring back neither expired nor deleted rows,
 * aggregates follow deletions (and outlive dropped partitions), and a deletion PostgreSQL
 * missed while it was down reaches it through the backlog.
 */
describe('retention and deletion by range (real servers)', () => {
  let h: Harness;
  let cassandra: Client;
  const auth = (role: 'viewer' | 'operator' | 'admin') => ({ Authorization: `Bearer ${h.tokens[role]}` });
  const now = Date.now();

  beforeAll(async () => {
    h = await startHarness({
      SENSOR_DATA_RETENTION_DAYS: String(DAYS),
      METER_READINGS_RETENTION_DAYS: String(DAYS),
      AGGREGATES_RETENTION_DAYS: String(2 * DAYS),
      RETENTION_INTERVAL_SECONDS: '0',
    });
    cassandra = h.app.get<Client>(CASSANDRA_CLIENT);
  });

  afterAll(async () => {
    startServer('postgres');
    await h?.close();
  });

  const cassandraRows = async (kind: 'sensor' | 'meter', id: string, from: number, to: number): Promise<Date[]> => {
    const rows = kind === 'sensor' ? await h.storage.store('cassandra')!.querySensorReadings({ id, from: new Date(from), to: new Date(to) }) : await h.storage.store('cassandra')!.queryMeterReadings({ id, from: new Date(from), to: new Date(to) });
    return rows.map((r) => r.timestamp);
  };
  const pgCount = async (kind: 'sensor' | 'meter', id: string, from: number, to: number): Promise<number> => {
    const sql = kind === 'sensor' ? 'SELECT count(*) AS n FROM sensor_data WHERE sensor_id = $1 AND ts >= $2 AND ts < $3' : 'SELECT count(*) AS n FROM meter_readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3';
    return Number((await h.sql<{ n: string }>(sql, [id, new Date(from).toISOString(), new Date(to).toISOString()]))[0]!.n);
  };
  /** Aggregate buckets that differ from a recomputation over the stored rows (none when the triggers kept them right). */
  const sensorAggregateDrift = (id: string) =>
    h.sql(
      `WITH fresh AS (
         SELECT b.bucket_interval, date_bin(b.len, d.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket_start, count(*) AS n, sum(d.value) AS s
           FROM sensor_data d CROSS JOIN sensor_aggregate_levels() AS b
          WHERE d.sensor_id = $1 GROUP BY 1, 2
       ), kept AS (SELECT bucket_interval, bucket_start, count AS n, sum AS s FROM sensor_aggregates WHERE sensor_id = $1)
       SELECT * FROM fresh f FULL JOIN kept k USING (bucket_interval, bucket_start)
        WHERE f.n IS DISTINCT FROM k.n OR f.s IS NULL OR k.s IS NULL OR abs(f.s - k.s) > 1e-6`,
      [id],
    );
  const sensorRows = (id: string, start: number, n: number, stepMs: number): SensorReading[] =>
    Array.from({ length: n }, (_, i) => ({ sensorId: id, sensorType: 'voltage', unit: 'V', value: 200 + i, timestamp: new Date(start + i * stepMs) }));
  const meterRows = (id: string, start: number, n: number, stepMs: number): MeterReading[] =>
    Array.from({ length: n }, (_, i) => ({ meterId: id, customerId: 'C-DEL', energyKwh: 100 + i, timestamp: new Date(start + i * stepMs) }));

  it('Cassandra TTL follows the retention setting, counted from each reading; readings already past it are stored nowhere', async () => {
    const edge = now - DAYS * DAY + 600_000; // ten minutes of retention left
    const res = await h.storage.storeSensorDataBatch([
      { sensorId: 'TTL-S', sensorType: 'voltage', value: 1, timestamp: new Date(edge) },
      { sensorId: 'TTL-S', sensorType: 'voltage', value: 2, timestamp: new Date(now - 10 * DAY) },
      { sensorId: 'TTL-S', sensorType: 'voltage', value: 3, timestamp: new Date(now - (DAYS + 1) * DAY) },
    ]);
    expect(res).toMatchObject({ received: 3, written: 2, expired: 1, storedIn: ['postgres', 'cassandra'] });
    const ttl = async (ts: number): Promise<number> => {
      const rs = await cassandra.execute('SELECT TTL(value) AS t FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? AND ts = ?', ['TTL-S', new Date(ts).toISOString().slice(0, 10), new Date(ts)], { prepare: true });
      return rs.first()?.get('t') as number;
    };
    const edgeTtl = await ttl(edge);
    expect(edgeTtl).toBeGreaterThan(300);
    expect(edgeTtl).toBeLessThanOrEqual(600);
    const recentTtl = await ttl(now - 10 * DAY);
    expect(Math.abs(recentTtl - (DAYS - 10) * 86_400)).toBeLessThan(600);
    expect(await pgCount('sensor', 'TTL-S', 0, now + DAY)).toBe(2);
    expect(await cassandraRows('sensor', 'TTL-S', now - 400 * DAY, now + DAY)).toHaveLength(2);

    const m = await h.storage.storeMeterReadingBatch([{ meterId: 'TTL-M', customerId: 'C-TTL', energyKwh: 1, timestamp: new Date(edge) }]);
    expect(m).toMatchObject({ written: 1, expired: 0 });
    const month = new Date(edge).getUTCFullYear() * 100 + new Date(edge).getUTCMonth() + 1;
    const rs = await cassandra.execute('SELECT TTL(energy_kwh) AS t FROM meter_readings_by_month WHERE meter_id = ? AND month = ?', ['TTL-M', month], { prepare: true });
    expect(rs.first()?.get('t')).toBeLessThanOrEqual(600);
    const defaults = await cassandra.execute('SELECT table_name, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?', [h.stack.env.CASSANDRA_KEYSPACE], { prepare: true });
    const byTable = Object.fromEntries(defaults.rows.map((r) => [r.get('table_name') as string, r.get('default_time_to_live') as number]));
    expect(byTable).toMatchObject({ sensor_readings_by_day: DAYS * 86_400, meter_readings_by_month: DAYS * 86_400, replication_backlog: 0, deleted_ranges: 0 });
  });

  it('replay and reconcile never bring back rows past retention', async () => {
    // A backlog entry for Cassandra whose first row went past retention while it waited.
    const stamp = Date.now() * 1000;
    const old = now - 400 * DAY;
    await h.app.get(PostgresBacklogStore).append([
      {
        kind: 'sensor',
        target: 'cassandra',
        reason: 'test',
        rows: [
          { sensorId: 'RES-S', sensorType: 'voltage', value: 1, timestamp: new Date(old), writtenAtUs: stamp },
          { sensorId: 'RES-S', sensorType: 'voltage', value: 2, timestamp: new Date(now - DAY), writtenAtUs: stamp },
        ] as Stamped<SensorReading>[],
      },
    ]);
    const replay = await h.app.get(BacklogReplayer).drainNow();
    expect(replay.targets.find((t) => t.target === 'cassandra')).toMatchObject({ state: 'drained', entries: 1 });
    expect(await cassandraRows('sensor', 'RES-S', old - DAY, old + DAY)).toEqual([]);
    expect(await cassandraRows('sensor', 'RES-S', now - 2 * DAY, now)).toHaveLength(1);

    // PostgreSQL still holds a row past retention (its month's partition is not dropped yet);
    // Cassandra has expired it. A repairing reconcile over the whole range leaves it alone.
    const pastInPg = now - (DAYS + 5) * DAY;
    await h.sql("INSERT INTO sensors (id, sensor_type) VALUES ('RES-S', 'voltage') ON CONFLICT DO NOTHING");
    await h.sql('SELECT ensure_sensor_data_partition($1)', [new Date(pastInPg).toISOString()]);
    await h.sql('INSERT INTO sensor_data (sensor_id, ts, value, written_at_us, unit) VALUES ($1, $2, 9, $3, NULL)', ['RES-S', new Date(pastInPg).toISOString(), stamp]);
    const report = await h.app.get(StorageSyncService).reconcile({ from: new Date(now - 400 * DAY), to: new Date(now + HOUR), kinds: ['sensor'], ids: ['RES-S'], repair: true });
    expect(report.kindsFrom.sensor!.getTime()).toBeGreaterThan(now - DAYS * DAY);
    expect(report.totals.missingIn.cassandra).toBe(0);
    expect(report.units.every((u) => u.inSync || u.repaired?.verified)).toBe(true);
    expect(await cassandraRows('sensor', 'RES-S', pastInPg - DAY, pastInPg + DAY)).toEqual([]);
    // ...and reads do not serve it either.
    const read = await request(h.baseUrl).get('/api/sensors/RES-S/readings').query({ source: 'postgres', from: new Date(pastInPg - DAY).toISOString(), to: new Date(pastInPg + DAY).toISOString() }).set(auth('viewer')).expect(200);
    expect(read.body.count).toBe(0);
  });

  it('DELETE by range: admin only, both stores, aggregates recomputed, audited; replay and repair do not undo it', async () => {
    const start = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - 3 * DAY;
    await h.storage.storeSensorDataBatch(sensorRows('DEL-S', start, 48, HOUR));
    await h.storage.storeMeterReadingBatch(meterRows('DEL-M', start, 96, HOUR / 2));
    const from = new Date(start + 10 * HOUR).toISOString();
    const to = new Date(start + 30 * HOUR).toISOString();
    // Older copies of rows about to be deleted, stamped before the deletion, as a backlog or a
    // quarantine retry would bring them later.
    const [olderSensor, olderMeter] = await Promise.all([
      h.storage.store('postgres')!.querySensorReadings({ id: 'DEL-S', from: new Date(from), to: new Date(to) }),
      h.storage.store('postgres')!.queryMeterReadings({ id: 'DEL-M', from: new Date(from), to: new Date(to) }),
    ]);
    expect(olderSensor).toHaveLength(20);

    await request(h.baseUrl).delete('/api/sensors/DEL-S/readings').query({ from, to }).set(auth('operator')).expect(403);
    const missing = await request(h.baseUrl).delete('/api/sensors/DEL-S/readings').query({ from }).set(auth('admin')).expect(400);
    expect(JSON.stringify(missing.body.fields)).toContain('to');
    await request(h.baseUrl).delete('/api/sensors/DEL-S/readings').query({ from: to, to: from }).set(auth('admin')).expect(400);

    const del = await request(h.baseUrl).delete('/api/sensors/DEL-S/readings').query({ from, to }).set(auth('admin')).expect(200);
    expect(del.body).toMatchObject({ kind: 'sensor', id: 'DEL-S', appliedIn: ['postgres', 'cassandra'], removed: { postgres: 20, cassandra: null }, pending: [] });
    const delM = await request(h.baseUrl).delete('/api/meters/DEL-M/readings').query({ from, to }).set(auth('admin')).expect(200);
    expect(delM.body).toMatchObject({ removed: { postgres: 40 }, pending: [] });

    const expectDeleted = async (): Promise<void> => {
      expect(await pgCount('sensor', 'DEL-S', Date.parse(from), Date.parse(to))).toBe(0);
      expect(await pgCount('sensor', 'DEL-S', start, start + 2 * DAY)).toBe(28);
      expect(await cassandraRows('sensor', 'DEL-S', Date.parse(from), Date.parse(to))).toEqual([]);
      expect(await cassandraRows('sensor', 'DEL-S', start, start + 2 * DAY)).toHaveLength(28);
      expect(await pgCount('meter', 'DEL-M', Date.parse(from), Date.parse(to))).toBe(0);
      expect(await cassandraRows('meter', 'DEL-M', Date.parse(from), Date.parse(to))).toEqual([]);
      expect(await cassandraRows('meter', 'DEL-M', start, start + 2 * DAY)).toHaveLength(56);
    };
    await expectDeleted();
    expect(await sensorAggregateDrift('DEL-S')).toEqual([]);
    const consumption = await h.sql<{ n: string }>('SELECT coalesce(sum(readings), 0) AS n FROM consumption_aggregates WHERE meter_id = $1', ['DEL-M']);
    expect(Number(consumption[0]!.n)).toBe(56);

    // Replays of the older copies into both stores, then a repairing reconcile: nothing returns.
    await h.app.get(PostgresBacklogStore).append([
      { kind: 'sensor', target: 'cassandra', reason: 'test', rows: olderSensor },
      { kind: 'meter', target: 'cassandra', reason: 'test', rows: olderMeter },
    ]);
    await h.app.get(CassandraBacklogStore).append([
      { kind: 'sensor', target: 'postgres', reason: 'test', rows: olderSensor },
      { kind: 'meter', target: 'postgres', reason: 'test', rows: olderMeter },
    ]);
    const replay = await h.app.get(BacklogReplayer).drainNow();
    expect(replay.targets.every((t) => t.state === 'drained')).toBe(true);
    await expectDeleted();
    const rec = await h.app.get(StorageSyncService).reconcile({ from: new Date(start), to: new Date(start + 3 * DAY), ids: ['DEL-S'], kinds: ['sensor'], repair: true });
    expect(rec.totals).toMatchObject({ outOfSync: 0, missingIn: { postgres: 0, cassandra: 0 }, mismatched: 0 });
    await expectDeleted();
    expect(await sensorAggregateDrift('DEL-S')).toEqual([]);

    // A reading written after the deletion, in the deleted range, is a new fact and stays.
    await h.storage.storeSensorDataBatch([{ sensorId: 'DEL-S', sensorType: 'voltage', value: 1, timestamp: new Date(Date.parse(from) + HOUR) }]);
    expect(await pgCount('sensor', 'DEL-S', Date.parse(from), Date.parse(to))).toBe(1);
    expect(await cassandraRows('sensor', 'DEL-S', Date.parse(from), Date.parse(to))).toHaveLength(1);

    const seen = await readAuditEvents(h, (events) => events.filter((e) => e.action.endsWith('.readings.delete')).length >= 2, 'two deletion audit events');
    // Audit events are keyed by resource: their order across partitions is not fixed.
    const events = seen.filter((e) => e.action.endsWith('.readings.delete')).sort((a, b) => b.action.localeCompare(a.action));
    expect(events.map((e) => [e.actor, e.action, e.resource])).toEqual([
      ['admin-user', 'sensor.readings.delete', 'sensors/DEL-S/readings'],
      ['admin-user', 'meter.readings.delete', 'meters/DEL-M/readings'],
    ]);
    expect(events[0]!.metadata).toMatchObject({ from, to, appliedIn: ['postgres', 'cassandra'] });
  });

  it("the registry's newest reading per device follows a deletion of it, and goes with the last one", async () => {
    const start = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - 2 * DAY;
    await h.storage.storeSensorDataBatch(sensorRows('LAT-S', start, 5, HOUR));
    await h.storage.storeMeterReadingBatch(meterRows('LAT-M', start, 5, HOUR));
    const latest = async (): Promise<{ s: unknown[]; m: unknown[] }> => ({
      s: await h.sql("SELECT ts, value FROM sensor_latest WHERE sensor_id = 'LAT-S'"),
      m: await h.sql("SELECT ts, energy_kwh FROM meter_latest WHERE meter_id = 'LAT-M'"),
    });
    expect(await latest()).toEqual({ s: [{ ts: new Date(start + 4 * HOUR), value: 204 }], m: [{ ts: new Date(start + 4 * HOUR), energy_kwh: 104 }] });

    const range = (from: number, to: number) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    await request(h.baseUrl).delete('/api/sensors/LAT-S/readings').query(range(start + 3 * HOUR, start + DAY)).set(auth('admin')).expect(200);
    await request(h.baseUrl).delete('/api/meters/LAT-M/readings').query(range(start + 3 * HOUR, start + DAY)).set(auth('admin')).expect(200);
    expect(await latest()).toEqual({ s: [{ ts: new Date(start + 2 * HOUR), value: 202 }], m: [{ ts: new Date(start + 2 * HOUR), energy_kwh: 102 }] });

    // A deletion that leaves the newest reading alone leaves it as it is.
    await request(h.baseUrl).delete('/api/sensors/LAT-S/readings').query(range(start, start + HOUR)).set(auth('admin')).expect(200);
    expect((await latest()).s).toEqual([{ ts: new Date(start + 2 * HOUR), value: 202 }]);

    await request(h.baseUrl).delete('/api/sensors/LAT-S/readings').query(range(start - DAY, start + DAY)).set(auth('admin')).expect(200);
    await request(h.baseUrl).delete('/api/meters/LAT-M/readings').query(range(start - DAY, start + DAY)).set(auth('admin')).expect(200);
    expect(await latest()).toEqual({ s: [], m: [] });
  });

  it('a deletion PostgreSQL misses while it is down reaches it through the backlog, aggregates included', async () => {
    const start = now - 2 * DAY;
    await h.storage.storeSensorDataBatch(sensorRows('DOWN-S', start, 24, HOUR));
    const from = new Date(start + 4 * HOUR).toISOString();
    const to = new Date(start + 8 * HOUR).toISOString();
    stopServer('postgres');
    try {
      const del = await request(h.baseUrl).delete('/api/sensors/DOWN-S/readings').query({ from, to }).set(auth('admin')).expect(200);
      expect(del.body).toMatchObject({ appliedIn: ['cassandra'], pending: [{ target: 'postgres', heldIn: 'cassandra' }] });
      expect(await cassandraRows('sensor', 'DOWN-S', Date.parse(from), Date.parse(to))).toEqual([]);
    } finally {
      startServer('postgres');
    }
    // The replayer drains by itself once PostgreSQL answers again.
    await waitFor(async () => (await pgCount('sensor', 'DOWN-S', Date.parse(from), Date.parse(to)).catch(() => -1)) === 0, 120_000, 500, 'the deletion replayed into PostgreSQL');
    expect(await pgCount('sensor', 'DOWN-S', start, start + DAY)).toBe(20);
    expect(await sensorAggregateDrift('DOWN-S')).toEqual([]);
    const rows = await h.sql<{ n: string }>("SELECT count(*) AS n FROM deleted_ranges WHERE kind = 'sensor' AND series_id = 'DOWN-S'");
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('drops whole monthly partitions at the retention edge, never a month early; aggregates outlive them until their own retention', async () => {
    await h.sql("INSERT INTO sensors (id, sensor_type) VALUES ('RET-S', 'voltage') ON CONFLICT DO NOTHING");
    await h.sql("INSERT INTO customers (id) VALUES ('C-RET') ON CONFLICT DO NOTHING");
    await h.sql("INSERT INTO meters (id) VALUES ('RET-M') ON CONFLICT DO NOTHING");
    for (const t of ['2025-02-10T00:00:00Z', '2025-03-10T00:00:00Z']) {
      await h.sql('SELECT ensure_sensor_data_partition($1), ensure_meter_readings_partition($1)', [t]);
    }
    // The last instant of February and the first of March, written as ingest would have long ago.
    for (const [ts, v] of [['2025-02-28T23:59:59.999Z', 1], ['2025-03-01T00:00:00.000Z', 2]] as const) {
      await h.sql('INSERT INTO sensor_data (sensor_id, ts, value, written_at_us) VALUES ($1, $2, $3, 1)', ['RET-S', ts, v]);
      await h.sql('INSERT INTO meter_readings (meter_id, ts, customer_id, energy_kwh, written_at_us) VALUES ($1, $2, $3, $4, 1)', ['RET-M', ts, 'C-RET', v]);
    }
    const exists = async (name: string): Promise<boolean> => (await h.sql<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [name]))[0]!.r !== null;
    const job = h.app.get(RetentionJob);
    const edge = Date.parse('2025-03-01T00:00:00Z');

    // Horizon one millisecond before February ends: February still holds a reading within retention.
    await job.runOnce(edge - 1 + DAYS * DAY);
    expect(await exists('sensor_data_2025_02')).toBe(true);
    expect(await exists('meter_readings_2025_02')).toBe(true);

    const report = await job.runOnce(edge + DAYS * DAY);
    expect(report.kinds.find((k) => k.kind === 'sensor')!.dropped.postgres).toContain('sensor_data_2025_02');
    expect(report.kinds.find((k) => k.kind === 'meter')!.dropped.postgres).toContain('meter_readings_2025_02');
    expect(await exists('sensor_data_2025_02')).toBe(false);
    expect(await exists('meter_readings_2025_02')).toBe(false);
    expect(await exists('sensor_data_2025_03')).toBe(true);
    expect(await h.sql("SELECT ts FROM sensor_data WHERE sensor_id = 'RET-S'")).toEqual([{ ts: new Date('2025-03-01T00:00:00Z') }]);
    // No row-by-row delete: the aggregates of February are still there (730 days for them).
    const febDay = await h.sql("SELECT count FROM sensor_aggregates WHERE sensor_id = 'RET-S' AND bucket_interval = 'day' AND bucket_start = '2025-02-28T00:00:00Z'");
    expect(febDay).toEqual([{ count: '1' }]);
    // The current months are untouched.
    expect(await pgCount('sensor', 'DEL-S', now - 7 * DAY, now + DAY)).toBeGreaterThan(0);

    // The aggregates' own horizon at the same edge removes February's buckets, not March's.
    const agg = await job.runOnce(edge + 2 * DAYS * DAY);
    const levels = (await h.sql<{ bucket_interval: string }>('SELECT bucket_interval FROM sensor_aggregate_levels() ORDER BY 1')).map((l) => ({ bucket_interval: l.bucket_interval }));
    expect(agg.aggregates).toMatchObject({ sensorBuckets: levels.length });
    expect(await h.sql("SELECT bucket_interval FROM sensor_aggregates WHERE sensor_id = 'RET-S' ORDER BY 1")).toEqual(levels);
  });
});
