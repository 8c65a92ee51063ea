import { CassandraTimeseriesRetention, HISTORY_TABLES } from '@smartgrid/cassandra';
import { ReadingValidationError } from '@smartgrid/hybrid-storage';
import { MongoSensorMetadataStore } from '@smartgrid/mongo';
import { BASE, cassandraCount, Harness, meterBatch, pgCount, sensorBatch, startHarness } from './support/hybrid-storage-harness';

/**
 * HybridStorageService against the real PostgreSQL, Cassandra and MongoDB (FerretDB): round
 * trips with source tags, idempotency, validation, partitions, reconcile and backfill.
 */
describe('hybrid storage (real stores)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ replay: { enabled: false } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('round-trips sensor readings through each store, tagged with the source', async () => {
    const batch = sensorBatch(2, 5, BASE, 'RT');
    const r = await h.storage.storeSensorDataBatch(batch);
    expect(r.storedIn.sort()).toEqual(['cassandra', 'postgres']);
    expect(r.outcomes.postgres?.ok && r.outcomes.cassandra?.ok).toBe(true);

    const range = { from: BASE, to: BASE + 3_600_000 };
    for (const source of ['postgres', 'cassandra'] as const) {
      const got = await h.storage.getSensorData('RT-1', { ...range, source });
      expect(got.source).toBe(source);
      expect(got.records).toHaveLength(5);
      expect(got.records.every((x) => x.source === source)).toBe(true);
      expect(got.records[0]).toEqual({
        sensorId: 'RT-1',
        sensorType: 'voltage',
        value: 221.004,
        unit: 'V',
        timestamp: new Date(BASE + 4 * 60_000),
        source,
      });
    }
    const auto = await h.storage.getSensorData('RT-1', { ...range, limit: 2 });
    expect(auto.source).toBe('cassandra');
    expect(auto.records.map((x) => x.timestamp.getTime())).toEqual([BASE + 4 * 60_000, BASE + 3 * 60_000]);
  });

  it('round-trips meter readings and creates customers and meters on first sight', async () => {
    await h.storage.storeMeterReadingBatch(meterBatch(2, 4, BASE, 'RTM'));
    for (const source of ['postgres', 'cassandra'] as const) {
      const got = await h.storage.getMeterReadings('RTM-1', { from: BASE, to: BASE + 86_400_000, source });
      expect(got.records.map((x) => [x.energyKwh, x.source])).toEqual([
        [1010.75, source],
        [1010.5, source],
        [1010.25, source],
        [1010, source],
      ]);
      expect(got.records[0]).toMatchObject({ customerId: 'C-1', powerKw: 1.03, voltage: 230 });
    }
    // First sight: an unregistered meter, assigned since the beginning to the customer its first reading names.
    const meters: { id: string; status: string; customer_id: string; since: string }[] = await h.dataSource.query(
      `SELECT m.id, m.status, a.customer_id, a.valid_from::text AS since
         FROM meters m JOIN meter_assignments a ON a.meter_id = m.id WHERE m.id LIKE 'RTM-%' ORDER BY m.id`,
    );
    expect(meters).toEqual([
      { id: 'RTM-0', status: 'unregistered', customer_id: 'C-0', since: '-infinity' },
      { id: 'RTM-1', status: 'unregistered', customer_id: 'C-1', since: '-infinity' },
    ]);
  });

  it('reads across day and month buckets newest first', async () => {
    const start = Date.parse('2026-01-31T23:58:00Z'); // spans a day and a month boundary
    await h.storage.storeSensorDataBatch(sensorBatch(1, 5, start, 'XB'));
    for (const source of ['postgres', 'cassandra'] as const) {
      const got = await h.storage.getSensorData('XB-0', { from: start, to: start + 3_600_000, source });
      expect(got.records.map((x) => x.timestamp.getTime())).toEqual([4, 3, 2, 1, 0].map((i) => start + i * 60_000));
    }
    const parts: { relname: string }[] = await h.dataSource.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'sensor_data'::regclass ORDER BY 1`,
    );
    expect(parts.map((p) => p.relname)).toEqual(expect.arrayContaining(['sensor_data_2026_01', 'sensor_data_2026_02']));
  });

  it('is idempotent: the same batch twice leaves one row per key in each store', async () => {
    const sensors = sensorBatch(3, 40, BASE, 'ID');
    const meters = meterBatch(2, 10, BASE, 'IDM');
    for (let i = 0; i < 2; i++) {
      await h.storage.storeSensorDataBatch(sensors);
      await h.storage.storeMeterReadingBatch(meters);
    }
    expect(await pgCount(h, 'sensor_data', 'ID-')).toBe(120);
    expect(await pgCount(h, 'meter_readings', 'IDM-')).toBe(20);
    expect(await cassandraCount(h, 'sensor', ['ID-0', 'ID-1', 'ID-2'], ['2026-01-15'])).toBe(120);
    expect(await cassandraCount(h, 'meter', ['IDM-0', 'IDM-1'], [202601])).toBe(20);
  });

  it('refuses bad input with a typed error naming the field, writing nothing', async () => {
    const ok = sensorBatch(1, 1, BASE, 'BAD')[0]!;
    const cases: [unknown, string][] = [
      [{ ...ok, sensorId: '' }, 'sensorId'],
      [{ ...ok, value: Number.POSITIVE_INFINITY }, 'value'],
      [{ ...ok, timestamp: new Date('not a date') }, 'timestamp'],
      [{ ...ok, timestamp: new Date('1999-01-01T00:00:00Z') }, 'timestamp'],
      [{ ...ok, timestamp: new Date(Date.now() + 2 * 86_400_000) }, 'timestamp'],
    ];
    for (const [reading, field] of cases) {
      const err = await h.storage.storeSensorDataBatch([ok, reading as typeof ok]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadingValidationError);
      expect((err as ReadingValidationError).field).toBe(field);
    }
    const err = await h.storage.storeSensorData(ok, { target: 'everywhere' as never }).catch((e: unknown) => e);
    expect((err as ReadingValidationError).field).toBe('target');
    expect(await pgCount(h, 'sensor_data', 'BAD')).toBe(0);
    expect(await cassandraCount(h, 'sensor', ['BAD-0'], ['2026-01-15'])).toBe(0);
  });

  it('records sensor descriptions in MongoDB and PostgreSQL, with the declared indexes', async () => {
    await h.storage.storeSensorData({
      sensorId: 'MD-1',
      sensorType: 'current',
      unit: 'A',
      value: 3,
      timestamp: new Date(BASE),
      metadata: { firmware: '2.1' },
      location: { lat: 41.33, lon: 19.82 },
    });
    const md = await h.ctx.get(MongoSensorMetadataStore).getSensorMetadata('MD-1');
    expect(md).toMatchObject({ sensorId: 'MD-1', sensorType: 'current', unit: 'A', metadata: { firmware: '2.1' }, location: { lat: 41.33, lon: 19.82 } });
    const pg: { metadata: unknown; lat: number; lon: number }[] = await h.dataSource.query(
      `SELECT metadata, ST_Y(location::geometry) AS lat, ST_X(location::geometry) AS lon FROM sensors WHERE id = 'MD-1'`,
    );
    expect(pg[0]).toEqual({ metadata: { firmware: '2.1' }, lat: 41.33, lon: 19.82 });
    const nearby: { id: string }[] = await h.dataSource.query(
      `SELECT id FROM sensors WHERE ST_DWithin(location, ST_SetSRID(ST_MakePoint(19.821, 41.331), 4326)::geography, 500)`,
    );
    expect(nearby.map((r) => r.id)).toEqual(['MD-1']);
    const conn = h.ctx.get(MongoSensorMetadataStore)['model'].db;
    const names = async (c: string) => (await conn.collection(c).indexes()).map((i) => i.name);
    expect(await names('sensor_metadata')).toEqual(expect.arrayContaining(['sensor_metadata_type_updated', 'sensor_metadata_observed']));
    expect(await names('event_history')).toEqual(expect.arrayContaining(['event_source_time', 'event_type_time', 'event_severity_time']));
  });

  it('reconcile reports per series/day counts and checksums, finds a row deleted by hand and repair restores it', async () => {
    const start = Date.parse('2026-01-20T10:00:00Z');
    await h.storage.storeSensorDataBatch(sensorBatch(2, 30, start, 'RC'));
    await h.storage.storeMeterReadingBatch(meterBatch(1, 8, start, 'RCM'));
    const range = { from: new Date('2026-01-20T00:00:00Z'), to: new Date('2026-01-21T00:00:00Z') };

    const clean = await h.sync.reconcile({ ...range, ids: ['RC-0', 'RC-1'], kinds: ['sensor'] });
    expect(clean.totals).toMatchObject({ units: 2, outOfSync: 0, rows: { postgres: 60, cassandra: 60 } });
    expect(clean.units[0]).toMatchObject({ id: 'RC-0', day: '2026-01-20', postgres: { count: 30 }, cassandra: { count: 30 }, inSync: true });
    expect(clean.units[0]!.postgres.checksum).toBe(clean.units[0]!.cassandra.checksum);

    // One reading deleted from Cassandra, another from PostgreSQL, one meter reading too.
    await h.cassandra.execute('DELETE FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? AND ts = ?', ['RC-0', '2026-01-20', new Date(start + 5 * 60_000)], { prepare: true });
    await h.dataSource.query('DELETE FROM sensor_data WHERE sensor_id = $1 AND ts = $2', ['RC-1', new Date(start + 7 * 60_000).toISOString()]);
    await h.dataSource.query('DELETE FROM meter_readings WHERE meter_id = $1 AND ts = $2', ['RCM-0', new Date(start).toISOString()]);

    const progress: number[] = [];
    const dirty = await h.sync.reconcile({ ...range, onProgress: (p) => p.phase === 'reconcile' && progress.push(p.done) });
    expect(progress.length).toBeGreaterThan(0);
    const rc0 = dirty.units.find((u) => u.id === 'RC-0')!;
    const rc1 = dirty.units.find((u) => u.id === 'RC-1')!;
    const rcm = dirty.units.find((u) => u.id === 'RCM-0')!;
    expect(rc0).toMatchObject({ inSync: false, postgres: { count: 30 }, cassandra: { count: 29 }, missingIn: { cassandra: 1, postgres: 0 } });
    expect(rc0.samples?.missingInCassandra).toEqual([new Date(start + 5 * 60_000).toISOString()]);
    expect(rc0.postgres.checksum).not.toBe(rc0.cassandra.checksum);
    expect(rc1).toMatchObject({ inSync: false, missingIn: { postgres: 1, cassandra: 0 } });
    expect(rcm).toMatchObject({ kind: 'meter', inSync: false, missingIn: { postgres: 1, cassandra: 0 } });
    expect(dirty.totals.outOfSync).toBe(3);

    const repaired = await h.sync.reconcile({ ...range, repair: true });
    expect(repaired.totals.repaired).toEqual({ postgres: 2, cassandra: 1 });
    expect(repaired.units.filter((u) => u.repaired).every((u) => u.repaired?.verified)).toBe(true);

    const after = await h.sync.reconcile(range);
    expect(after.totals.outOfSync).toBe(0);
    expect(await cassandraCount(h, 'sensor', ['RC-0'], ['2026-01-20'])).toBe(30);
    expect(await pgCount(h, 'sensor_data', 'RC-1')).toBe(30);
  });

  it('reconcile repairs a value that differs, keeping the newer write', async () => {
    const ts = new Date('2026-01-22T08:00:00Z');
    await h.storage.storeSensorData({ sensorId: 'LWW', sensorType: 'voltage', value: 1, timestamp: ts });
    // A newer write that only Cassandra got.
    await h.storage.storeSensorData({ sensorId: 'LWW', sensorType: 'voltage', value: 2, timestamp: ts }, { target: 'cassandra' });
    const range = { from: new Date('2026-01-22T00:00:00Z'), to: new Date('2026-01-23T00:00:00Z'), ids: ['LWW'], kinds: ['sensor' as const] };
    const dirty = await h.sync.reconcile(range);
    expect(dirty.units[0]).toMatchObject({ mismatched: 1, inSync: false });
    await h.sync.reconcile({ ...range, repair: true });
    const pg = await h.storage.getSensorData('LWW', { from: ts, to: ts.getTime() + 1, source: 'postgres' });
    expect(pg.records[0]?.value).toBe(2);
  });

  it('backfills a time range from PostgreSQL into Cassandra', async () => {
    const start = Date.parse('2026-01-25T00:00:00Z');
    await h.storage.storeSensorDataBatch(sensorBatch(2, 20, start, 'BF'), { target: 'postgres' });
    expect(await cassandraCount(h, 'sensor', ['BF-0', 'BF-1'], ['2026-01-25'])).toBe(0);
    const report = await h.sync.backfill({
      from: new Date(start),
      to: new Date(start + 86_400_000),
      source: 'postgres',
      target: 'cassandra',
      kinds: ['sensor'],
    });
    expect(report.kinds[0]).toMatchObject({ kind: 'sensor', ids: 2, rows: 40 });
    expect(await cassandraCount(h, 'sensor', ['BF-0', 'BF-1'], ['2026-01-25'])).toBe(40);
  });

  it('recreates a reference row deleted behind its back (foreign keys hold)', async () => {
    const batch = sensorBatch(1, 3, BASE, 'FK');
    await h.storage.storeSensorDataBatch(batch);
    await h.dataSource.query(`DELETE FROM sensor_data WHERE sensor_id = 'FK-0'`);
    await h.dataSource.query(`DELETE FROM sensors WHERE id = 'FK-0'`);
    const r = await h.storage.storeSensorDataBatch(batch);
    expect(r.outcomes.postgres).toMatchObject({ ok: true });
    expect(await pgCount(h, 'sensor_data', 'FK-')).toBe(3);
  });

  it('applies the configured default TTL to the history tables only', async () => {
    const retention = h.ctx.get(CassandraTimeseriesRetention);
    const ttlOf = async (table: string): Promise<number> => {
      const rs = await h.cassandra.execute(
        'SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
        [h.stack.env.CASSANDRA_KEYSPACE, table],
        { prepare: true },
      );
      return rs.first()?.get('default_time_to_live') as number;
    };
    expect(await ttlOf('sensor_readings_by_day')).toBe(0);
    expect(await retention.apply({ sensor: 86_400 * 30, meter: 86_400 * 400, events: 86_400 * 30 })).toEqual([...HISTORY_TABLES]);
    expect(await ttlOf('sensor_readings_by_day')).toBe(2_592_000);
    expect(await ttlOf('meter_readings_by_month')).toBe(34_560_000);
    expect(await ttlOf('replication_backlog')).toBe(0);
    expect(await ttlOf('deleted_ranges')).toBe(0);
    expect(await retention.apply({ sensor: 86_400 * 30, meter: 86_400 * 400, events: 86_400 * 30 })).toEqual([]); // already applied: no DDL
    await retention.apply({ sensor: 0, meter: 0, events: 0 });
  });

  it('an optional field left out of a later write is gone from both stores; reconcile finds them equal', async () => {
    const ts = new Date(BASE + 5 * 3_600_000);
    await h.storage.storeMeterReading({ meterId: 'OPT-M', customerId: 'C-OPT', timestamp: ts, energyKwh: 10, powerKw: 3.2, voltage: 231 });
    await h.storage.storeMeterReading({ meterId: 'OPT-M', customerId: 'C-OPT', timestamp: ts, energyKwh: 10 });
    await h.storage.storeSensorData({ sensorId: 'OPT-S', sensorType: 'voltage', value: 1, unit: 'V', timestamp: ts });
    await h.storage.storeSensorData({ sensorId: 'OPT-S', sensorType: 'voltage', value: 1, timestamp: ts });
    const range = { from: ts, to: new Date(ts.getTime() + 1) };
    for (const source of ['postgres', 'cassandra'] as const) {
      const [m] = (await h.storage.getMeterReadings('OPT-M', { ...range, source })).records;
      expect(m).toEqual({ meterId: 'OPT-M', customerId: 'C-OPT', timestamp: ts, energyKwh: 10, source });
      const [r] = (await h.storage.getSensorData('OPT-S', { ...range, source })).records;
      expect(r).toEqual({ sensorId: 'OPT-S', sensorType: 'voltage', value: 1, timestamp: ts, source });
    }
    const report = await h.sync.reconcile({ from: ts, to: new Date(ts.getTime() + 3_600_000), ids: ['OPT-M', 'OPT-S'] });
    expect(report.totals).toMatchObject({ outOfSync: 0, mismatched: 0, missingIn: { postgres: 0, cassandra: 0 } });
    expect(report.totals.rows).toEqual({ postgres: 2, cassandra: 2 });
    // A second repair has nothing to copy back.
    const repair = await h.sync.reconcile({ from: ts, to: new Date(ts.getTime() + 3_600_000), ids: ['OPT-M', 'OPT-S'], repair: true });
    expect(repair.totals.repaired).toEqual({ postgres: 0, cassandra: 0 });
  });

  it('reconcile compares every stored field: a unit that differs is found', async () => {
    const ts = new Date(BASE + 6 * 3_600_000);
    await h.storage.storeSensorData({ sensorId: 'OPT-U', sensorType: 'voltage', value: 2, unit: 'V', timestamp: ts });
    await h.dataSource.query("UPDATE sensor_data SET unit = 'kV' WHERE sensor_id = 'OPT-U'");
    const report = await h.sync.reconcile({ from: ts, to: new Date(ts.getTime() + 3_600_000), ids: ['OPT-U'], kinds: ['sensor'] });
    expect(report.totals).toMatchObject({ outOfSync: 1, mismatched: 1 });
  });

  it('reports an empty backlog when both stores took every write', async () => {
    const status = await h.storage.getBacklogStatus();
    expect(status).toMatchObject({ entries: 0, rows: 0, oldestAgeMs: null, unreachable: [] });
  });
});
