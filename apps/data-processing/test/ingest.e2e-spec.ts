import { waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { Harness, json, startHarness } from './support/harness';
import { meterMessage, sensorMessage } from './support/malformed-corpus';

/**
 * Kafka → HybridStorage → PostgreSQL + Cassandra + aggregates, against the real servers.
 */
describe('data-processing ingest (real Kafka, PostgreSQL, Cassandra)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  const hourAgo = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;

  it('stores valid sensor readings in both stores and keeps hourly/daily aggregates', async () => {
    const sensors = ['S-A', 'S-B', 'S-C'].map((s) => `${s}-${hourAgo}`);
    const messages = [];
    const expected = new Map<string, number[]>();
    // 3 sensors x 40 readings every 3 minutes: two hourly buckets each, one or two days.
    for (const id of sensors) {
      const values: number[] = [];
      for (let i = 0; i < 40; i++) {
        const v = Math.round((220 + Math.sin(i) * 10) * 10) / 10;
        values.push(v);
        messages.push({ key: id, value: json(sensorMessage(id, new Date(hourAgo + i * 180_000).toISOString(), v)) });
      }
      expected.set(id, values);
    }
    await h.produce('sensor-data', messages);
    await waitFor(
      async () => Number((await h.sql<{ n: string }>('SELECT count(*) AS n FROM sensor_data WHERE sensor_id = ANY($1)', [sensors]))[0].n) === 120,
      60_000,
      250,
      'sensor rows in PostgreSQL',
    );
    for (const id of sensors) {
      const fromCassandra = await h.storage.getSensorData(id, { source: 'cassandra', from: new Date(hourAgo), to: new Date(hourAgo + 3 * 3_600_000), limit: 1000 });
      expect(fromCassandra.records).toHaveLength(40);
      expect(fromCassandra.records.every((r) => r.source === 'cassandra')).toBe(true);
      const values = expected.get(id)!;
      const hourly = await h.sql<{ bucket_start: Date; count: string; min: number; max: number; sum: number; avg: number }>(
        `SELECT bucket_start, count, min, max, sum, avg FROM sensor_aggregates WHERE sensor_id = $1 AND bucket_interval = 'hour' ORDER BY bucket_start`,
        [id],
      );
      expect(hourly).toHaveLength(2);
      const firstHour = values.slice(0, 20);
      expect(Number(hourly[0].count)).toBe(20);
      expect(hourly[0].min).toBe(Math.min(...firstHour));
      expect(hourly[0].max).toBe(Math.max(...firstHour));
      expect(hourly[0].sum).toBeCloseTo(firstHour.reduce((a, b) => a + b, 0), 6);
      expect(hourly[0].avg).toBeCloseTo(firstHour.reduce((a, b) => a + b, 0) / 20, 6);
      const daily = await h.sql<{ count: string }>(`SELECT sum(count) AS count FROM sensor_aggregates WHERE sensor_id = $1 AND bucket_interval = 'day'`, [id]);
      expect(Number(daily[0].count)).toBe(40);
    }

    // Served by the API, too.
    const hourlyCounts = async (fromMs: number): Promise<number[]> =>
      (
        await request(h.baseUrl)
          .get(`/api/sensors/${sensors[0]}/aggregates`)
          .query({ interval: 'hour', from: new Date(fromMs).toISOString(), to: new Date(hourAgo + 3 * 3_600_000).toISOString() })
          .set('Authorization', `Bearer ${h.tokens.viewer}`)
          .expect(200)
      ).body.buckets.map((b: { count: number }) => b.count);
    expect(await hourlyCounts(hourAgo)).toEqual([20, 20]);
    // A range that starts mid-bucket still returns the bucket it overlaps.
    expect(await hourlyCounts(hourAgo + 1_800_000)).toEqual([20, 20]);
    expect(await hourlyCounts(hourAgo + 3_600_000)).toEqual([20]);
    const readings = await request(h.baseUrl)
      .get(`/api/sensors/${sensors[0]}/readings`)
      .query({ source: 'postgres', from: new Date(hourAgo).toISOString(), to: new Date(hourAgo + 3 * 3_600_000).toISOString(), limit: 5 })
      .set('Authorization', `Bearer ${h.tokens.viewer}`)
      .expect(200);
    expect(readings.body).toMatchObject({ source: 'postgres', count: 5 });
    expect(readings.body.readings[0]).toMatchObject({ value: expected.get(sensors[0])![39], source: 'postgres' });

    // Redelivery of the same readings changes nothing.
    const before = await h.sql(`SELECT * FROM sensor_aggregates WHERE sensor_id = ANY($1) ORDER BY 1, 2, 3`, [sensors]);
    await h.produce('sensor-data', messages.slice(0, 60));
    const marker = `S-MARK-${hourAgo}`;
    await h.produce('sensor-data', [{ key: marker, value: json(sensorMessage(marker, new Date(hourAgo).toISOString())) }]);
    await waitFor(async () => (await h.sql('SELECT 1 FROM sensor_data WHERE sensor_id = $1', [marker])).length === 1, 60_000);
    // The marker shares a partition with some of the redelivered messages at most; wait for lag 0 on every partition.
    await waitFor(async () => {
      const s = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`);
      return s.body.ingest.topics['sensor-data'].lag === 0;
    }, 60_000);
    const after = await h.sql(`SELECT * FROM sensor_aggregates WHERE sensor_id = ANY($1) ORDER BY 1, 2, 3`, [sensors]);
    expect(after.map(({ updated_at: _u, ...rest }: Record<string, unknown>) => rest)).toEqual(before.map(({ updated_at: _u, ...rest }: Record<string, unknown>) => rest));
  });

  it('derives daily meter and customer consumption that matches a hand-computed example', async () => {
    const m1 = `M-1-${hourAgo}`;
    const m2 = `M-2-${hourAgo}`;
    const customer = `C-1-${hourAgo}`;
    const send = (id: string, ts: string, kwh: number) => ({ key: id, value: json(meterMessage(id, customer, ts, kwh)) });
    await h.produce('meter-readings', [
      send(m1, '2026-03-10T22:00:00Z', 100),
      send(m1, '2026-03-11T02:00:00Z', 108),
      send(m2, '2026-03-11T06:00:00Z', 50),
      send(m2, '2026-03-11T18:00:00Z', 56),
    ]);
    await waitFor(async () => (await h.sql('SELECT 1 FROM meter_readings WHERE meter_id = ANY($1)', [[m1, m2]])).length === 4, 60_000);
    // Later, in separate batches: an out-of-order reading, a register reset, a 3-day gap.
    await h.produce('meter-readings', [send(m1, '2026-03-11T00:00:00Z', 107)]);
    await waitFor(async () => (await h.sql('SELECT 1 FROM meter_readings WHERE meter_id = $1', [m1])).length === 3, 60_000);
    await h.produce('meter-readings', [send(m1, '2026-03-11T12:00:00Z', 3), send(m1, '2026-03-14T12:00:00Z', 75)]);
    await waitFor(async () => (await h.sql('SELECT 1 FROM meter_readings WHERE meter_id = $1', [m1])).length === 5, 60_000);

    // By hand (intervals split over UTC days in proportion to time):
    //   m1 22:00→02:00 100→107→108: 10th 7, 11th 1; 02:00→12:00 reset to 3: 11th 3;
    //   12:00 (11th) → 12:00 (14th) 3→75 = 72 over 72 h: 11th 12, 12th 24, 13th 24, 14th 12.
    //   m2 06:00→18:00 on the 11th: 6.
    const meterDays = await h.sql<{ meter_id: string; day: string; consumption_kwh: number; register_resets: number }>(
      `SELECT meter_id, to_char(day, 'YYYY-MM-DD') AS day, consumption_kwh, register_resets FROM consumption_aggregates WHERE meter_id = $1 ORDER BY day`,
      [m1],
    );
    expect(meterDays.map((r) => [r.day, r.consumption_kwh, r.register_resets])).toEqual([
      ['2026-03-10', 7, 0],
      ['2026-03-11', 16, 1],
      ['2026-03-12', 24, 0],
      ['2026-03-13', 24, 0],
      ['2026-03-14', 12, 0],
    ]);

    const daily = await request(h.baseUrl)
      .get(`/api/customers/${customer}/consumption`)
      .query({ interval: 'day', from: '2026-03-10T00:00:00Z', to: '2026-03-15T00:00:00Z' })
      .set('Authorization', `Bearer ${h.tokens.viewer}`)
      .expect(200);
    expect(daily.body.periods.map((p: { period: string; consumptionKwh: number }) => [p.period, p.consumptionKwh])).toEqual([
      ['2026-03-10', 7],
      ['2026-03-11', 22],
      ['2026-03-12', 24],
      ['2026-03-13', 24],
      ['2026-03-14', 12],
    ]);
    const monthly = await request(h.baseUrl)
      .get(`/api/customers/${customer}/consumption`)
      .query({ interval: 'month', from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' })
      .set('Authorization', `Bearer ${h.tokens.viewer}`)
      .expect(200);
    expect(monthly.body).toMatchObject({ totalKwh: 89, periods: [{ period: '2026-03', consumptionKwh: 89, meters: 2 }] });

    // Redelivering every reading leaves the figures as they are.
    await h.produce('meter-readings', [
      send(m1, '2026-03-10T22:00:00Z', 100),
      send(m1, '2026-03-11T00:00:00Z', 107),
      send(m1, '2026-03-11T12:00:00Z', 3),
      send(m2, '2026-03-11T18:00:00Z', 56),
    ]);
    await waitFor(async () => {
      const s = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`);
      return s.body.ingest.topics['meter-readings'].lag === 0;
    }, 60_000);
    const again = await request(h.baseUrl)
      .get(`/api/customers/${customer}/consumption`)
      .query({ interval: 'month', from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' })
      .set('Authorization', `Bearer ${h.tokens.viewer}`)
      .expect(200);
    expect(again.body.totalKwh).toBe(89);

    const fromCassandra = await h.storage.getMeterReadings(m1, { source: 'cassandra', from: new Date('2026-03-10T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') });
    expect(fromCassandra.records.map((r) => r.energyKwh)).toEqual([75, 3, 108, 107, 100]);
  });

  it('exposes ingest metrics and the storage status', async () => {
    const metrics = await request(h.baseUrl).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/smartgrid_ingest_messages_ingested_total\{topic="sensor-data"\} \d+/);
    expect(metrics.text).toMatch(/smartgrid_store_write_duration_seconds_count\{store="postgres",kind="sensor"\} \d+/);
    expect(metrics.text).toMatch(/smartgrid_store_write_duration_seconds_count\{store="cassandra",kind="meter"\} \d+/);
    expect(metrics.text).toMatch(/smartgrid_ingest_batch_size_count\{topic="meter-readings"\} \d+/);
    expect(metrics.text).toMatch(/smartgrid_ingest_consumer_lag\{topic="sensor-data",partition="\d"\} \d+/);
    expect(metrics.text).toContain('smartgrid_storage_backlog_rows');

    const status = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    expect(status.body).toMatchObject({
      stores: { postgres: { status: 'up' }, cassandra: { status: 'up' } },
      backlog: { rows: 0 },
      deadLetters: { 'sensor-data.dlq': { offsets: 0 }, 'meter-readings.dlq': { offsets: 0 } },
    });
    expect(status.body.ingest.groupId).toBe(`${h.stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`);
  });

  it('consumes in exactly one consumer group, the Nest Kafka transport', async () => {
    const prefix = h.stack.env.KAFKA_TOPIC_PREFIX;
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      // Besides ingest, each instance reads the token-revocations topic whole with a group of
      // its own (a broadcast, not a share of the work): that one is not an ingest consumer.
      const ingestGroups = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix) && !g.startsWith(`${prefix}smartgrid-token-revocations-`));
      expect(ingestGroups).toEqual([`${prefix}smartgrid-data-processing`]);
      const {
        groups: [group],
      } = await admin.describeGroups([`${prefix}smartgrid-data-processing`]);
      expect(group.state).toBe('Stable');
      expect(group.members).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});
