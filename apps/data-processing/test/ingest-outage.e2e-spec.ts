import { CASSANDRA_CLIENT, timeseriesCqlMigrations } from '@smartgrid/cassandra';
import { waitFor } from '@smartgrid/testing';
import { Client } from 'cassandra-driver';
import request from 'supertest';
import { Harness, json, startHarness } from './support/harness';
import { sensorMessage } from './support/malformed-corpus';

/**
 * Offsets are committed only once rows are durable in at least one store with a backlog entry
 * for the other; with no store able to write, the consumer waits and retries and skips
 * nothing. The stores are made to refuse writes inside this file's own database and keyspace
 * (a refusing trigger, a dropped and re-created table), so the shared servers stay up for everyone else.
 */
describe('ingest while stores refuse writes (real servers)', () => {
  let h: Harness;
  let cassandra: Client;
  const readingsTable = timeseriesCqlMigrations.flatMap((m) => m.statements).find((s) => /CREATE TABLE IF NOT EXISTS sensor_readings_by_day/.test(s))!;

  beforeAll(async () => {
    h = await startHarness({ INGEST_RETRY_INITIAL_MS: '100', INGEST_RETRY_MAX_MS: '1000', KAFKA_TOPIC_PARTITIONS: '1' });
    cassandra = h.app.get<Client>(CASSANDRA_CLIENT);
  });

  afterAll(async () => {
    await h?.close();
  });

  const committed = async (): Promise<string> => {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: `${h.stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`, topics: [h.topic('sensor-data')] });
      return t.partitions[0].offset;
    } finally {
      await admin.disconnect();
    }
  };
  const high = async (): Promise<string> => {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(h.topic('sensor-data')))[0].high;
    } finally {
      await admin.disconnect();
    }
  };
  const pgRows = async (id: string): Promise<number> => Number((await h.sql<{ n: string }>('SELECT count(*) AS n FROM sensor_data WHERE sensor_id = $1', [id]))[0].n);

  it('waits while no store can write, commits once one can (with a backlog), and the replay fills the other', async () => {
    const id = `S-OUT-${Date.now()}`;
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    // A first reading so the sensor row exists and the offset has moved once.
    await h.produce('sensor-data', [{ key: id, value: json(sensorMessage(id, new Date(base - 60_000).toISOString(), 1)) }]);
    await waitFor(async () => (await pgRows(id)) === 1, 60_000);
    await waitFor(async () => (await committed()) === (await high()), 30_000);
    const before = await committed();

    // Both stores refuse.
    await h.sql(`CREATE FUNCTION dp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`);
    await h.sql(`CREATE TRIGGER dp_test_refuse BEFORE INSERT ON sensor_data FOR EACH STATEMENT EXECUTE FUNCTION dp_test_refuse()`);
    await cassandra.execute('DROP TABLE sensor_readings_by_day');
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: id, value: json(sensorMessage(id, new Date(base + i * 1000).toISOString(), 10 + i)) }));
    await h.produce('sensor-data', messages);
    await waitFor(async () => {
      const m = await request(h.baseUrl).get('/metrics');
      return /smartgrid_ingest_write_retries_total\{topic="sensor-data"\} ([3-9]|\d\d)/.test(m.text);
    }, 30_000, 200, 'several retries');
    expect(await committed()).toBe(before);
    expect(await pgRows(id)).toBe(1);

    // Cassandra takes writes again: the batch is durable there, PostgreSQL's share waits in the backlog.
    await cassandra.execute(readingsTable);
    await waitFor(async () => (await committed()) === (await high()), 60_000, 250, 'commit after Cassandra is back');
    expect(await pgRows(id)).toBe(1);
    const fromCassandra = await h.storage.getSensorData(id, { source: 'cassandra', from: new Date(base - 120_000), to: new Date(base + 3_600_000), limit: 100 });
    // The table was dropped and made anew: the batch, not the first reading.
    expect(fromCassandra.records).toHaveLength(50);
    const status = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    expect(status.body.backlog.targets.postgres.rows).toBeGreaterThanOrEqual(50);

    // PostgreSQL back: the replayer copies the rows over, and the trigger counts them once.
    await h.sql('DROP TRIGGER dp_test_refuse ON sensor_data');
    await waitFor(async () => (await pgRows(id)) === 51, 60_000, 250, 'replay into PostgreSQL');
    await waitFor(async () => {
      const s = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`);
      return s.body.backlog.rows === 0;
    }, 30_000);
    const day = await h.sql<{ n: string; sum: number }>(`SELECT sum(count) AS n, sum(sum) AS sum FROM sensor_aggregates WHERE sensor_id = $1 AND bucket_interval = 'day'`, [id]);
    expect(Number(day[0].n)).toBe(51);
    expect(day[0].sum).toBeCloseTo(1 + messages.reduce((s, _m, i) => s + 10 + i, 0), 6);
  });
});
