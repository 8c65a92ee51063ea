import { JwtService } from '@nestjs/jwt';
import { Role, TokenService } from '@smartgrid/auth';
import { prefixedTopic } from '@smartgrid/kafka';
import { setupTestStack, TestStack, waitFor } from '@smartgrid/testing';
import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import { ChildApp, KILL_BEFORE_COMMIT, runChildAppToExit, startChildApp } from './support/child-app';
import { meterMessage, sensorMessage } from './support/malformed-corpus';

/**
 * The app is SIGKILLed after a batch is durable in both stores and before its offset is
 * committed (a preload wired in by this test wraps kafkajs; nothing in src knows). On restart
 * the batch is delivered again: neither store may hold a duplicate, the aggregates must not
 * move, and its dead letters are in the DLQ exactly once.
 */
describe('ingest crash between write and commit (child process, SIGKILL)', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let pg: Client;
  let token: string;
  let child: ChildApp | undefined;
  // A short group session: after each kill the restarted app gets the partition 6 s later, not 30.
  const childEnv = (): Record<string, string> => ({ ...stack.env, LOG_LEVEL: 'warn', INGEST_MAX_WAIT_MS: '200', INGEST_PARTITIONS_CONCURRENTLY: '1', KAFKA_SESSION_TIMEOUT_MS: '6000' });
  const groupId = (): string => `${stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`;

  beforeAll(async () => {
    // One partition per topic: the first batch of a topic holds every message produced before it.
    stack = await setupTestStack({ KAFKA_TOPIC_PARTITIONS: '1' });
    kafka = new Kafka({ clientId: 'dp-crash-test', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    pg = new Client({
      host: stack.env.POSTGRES_HOST,
      port: Number(stack.env.POSTGRES_PORT),
      user: stack.env.POSTGRES_USER,
      password: stack.env.POSTGRES_PASSWORD,
      database: stack.env.POSTGRES_DB,
    });
    await pg.connect();
    const tokens = new TokenService(new JwtService({ secret: stack.env.JWT_SECRET }), 900);
    token = (await tokens.issue({ userId: 'u1', username: 'viewer', role: Role.Viewer })).accessToken;
    // A first, clean start creates the topics and schema.
    child = await startChildApp(childEnv());
    await stopChild();
  });

  afterAll(async () => {
    if (child) await stopChild();
    await pg?.end().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await stack?.cleanup();
  });

  async function stopChild(): Promise<void> {
    const c = child!;
    child = undefined;
    c.proc.kill('SIGTERM');
    const t = setTimeout(() => c.proc.kill('SIGKILL'), 30_000);
    await c.exited;
    clearTimeout(t);
  }

  async function committed(topic: string): Promise<string[]> {
    const [t] = await admin.fetchOffsets({ groupId: groupId(), topics: [topic] });
    return t.partitions.map((p) => p.offset);
  }

  async function highWatermarks(topic: string): Promise<string[]> {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => p.high);
  }

  const snapshot = async (sql: string, ids: string[]): Promise<unknown[]> =>
    (await pg.query(sql, [ids])).rows.map(({ updated_at: _u, ...rest }: Record<string, unknown>) => rest);

  async function crashThenRestart(logical: string, messages: { key: string; value: string }[]): Promise<void> {
    const topic = prefixedTopic(stack.env.KAFKA_TOPIC_PREFIX, logical);
    const committedBefore = await committed(topic);
    await producer.send({ topic, acks: -1, messages });
    const ended = await runChildAppToExit(childEnv(), [KILL_BEFORE_COMMIT]);
    expect({ signal: ended.signal, output: ended.signal === 'SIGKILL' ? '' : ended.output }).toEqual({ signal: 'SIGKILL', output: '' });
    expect(ended.output).toContain('killing myself before the commit');
    // Nothing more committed for the topic: the whole batch will be delivered again.
    expect(await committed(topic)).toEqual(committedBefore);
  }

  it('sensor batch: no duplicate in PostgreSQL or Cassandra, aggregates unchanged', async () => {
    const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
    const ids = ['S-K1', 'S-K2', 'S-K3'];
    const messages = ids.flatMap((id, k) =>
      Array.from({ length: 100 }, (_, i) => ({ key: id, value: JSON.stringify(sensorMessage(id, new Date(base + i * 60_000).toISOString(), 200 + k + i / 10)) })),
    );
    await crashThenRestart('sensor-data', messages);

    const rowsAfterCrash = await pg.query('SELECT sensor_id, count(*)::int AS n FROM sensor_data WHERE sensor_id = ANY($1) GROUP BY 1 ORDER BY 1', [ids]);
    expect(rowsAfterCrash.rows).toEqual(ids.map((id) => ({ sensor_id: id, n: 100 })));
    const aggQuery = 'SELECT sensor_id, bucket_interval, bucket_start, count, min, max, sum, avg FROM sensor_aggregates WHERE sensor_id = ANY($1) ORDER BY 1, 2, 3';
    const aggBefore = await snapshot(aggQuery, ids);
    expect(aggBefore.length).toBeGreaterThan(0);

    child = await startChildApp(childEnv());
    const topic = prefixedTopic(stack.env.KAFKA_TOPIC_PREFIX, 'sensor-data');
    const high = await highWatermarks(topic);
    await waitFor(async () => JSON.stringify(await committed(topic)) === JSON.stringify(high), 60_000, 250, 'redelivered batch committed');

    const rowsAfter = await pg.query('SELECT sensor_id, count(*)::int AS n FROM sensor_data WHERE sensor_id = ANY($1) GROUP BY 1 ORDER BY 1', [ids]);
    expect(rowsAfter.rows).toEqual(rowsAfterCrash.rows);
    expect(await snapshot(aggQuery, ids)).toEqual(aggBefore);
    const day = await pg.query(`SELECT sum(count)::int AS n FROM sensor_aggregates WHERE sensor_id = ANY($1) AND bucket_interval = 'day'`, [ids]);
    expect(day.rows[0].n).toBe(300);
    for (const id of ids) {
      const res = await request(child.baseUrl)
        .get(`/api/sensors/${id}/readings`)
        .query({ source: 'cassandra', from: new Date(base).toISOString(), to: new Date(base + 4 * 3_600_000).toISOString(), limit: 10000 })
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body.count).toBe(100);
      expect(new Set(res.body.readings.map((r: { timestamp: string }) => r.timestamp)).size).toBe(100);
    }
    await stopChild();
  });

  it('a batch with invalid messages: after the crash and redelivery each is in the DLQ exactly once', async () => {
    const base = Date.now() - 3_600_000;
    const good = Array.from({ length: 20 }, (_, i) => ({ key: 'S-D1', value: JSON.stringify(sensorMessage('S-D1', new Date(base + i * 1000).toISOString(), i)) }));
    const bad = [
      { key: 'S-D2', value: JSON.stringify({ ...sensorMessage('S-D2', new Date(base).toISOString(), 1), metadata: { x: '\ud800' } }) },
      { key: 'S-D3', value: 'not json' },
      { key: 'S-D4', value: JSON.stringify({ ...sensorMessage('S-D4', new Date(base).toISOString(), 1), value: 'high' }) },
    ];
    await crashThenRestart('sensor-data', [...good.slice(0, 10), ...bad, ...good.slice(10)]);

    child = await startChildApp(childEnv());
    const topic = prefixedTopic(stack.env.KAFKA_TOPIC_PREFIX, 'sensor-data');
    const high = await highWatermarks(topic);
    await waitFor(async () => JSON.stringify(await committed(topic)) === JSON.stringify(high), 60_000, 250, 'redelivered batch committed');
    const letters = await readCommitted(`${topic}.dlq`);
    expect(letters.map((l) => l.key).sort()).toEqual(['S-D2', 'S-D3', 'S-D4']);
    expect(letters.map((l) => l.reason.split(':')[0]).sort()).toEqual(['bad_format', 'invalid_json', 'wrong_type']);
    await stopChild();
  });

  /**
   * Every committed message of a one-partition topic, read as a DLQ consumer does
   * (read_committed), up to its end: done once a batch reports no lag behind the high
   * watermark (kafkajs skips aborted records and transaction markers).
   */
  async function readCommitted(topic: string): Promise<{ key: string; reason: string }[]> {
    const consumer = kafka.consumer({ groupId: `${stack.env.KAFKA_TOPIC_PREFIX}dlq-reader` });
    const seen: { key: string; reason: string }[] = [];
    let atEnd = false;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) seen.push({ key: String(m.key), reason: String(m.headers?.['x-dlq-reason']) });
          if (batch.offsetLag() === '0') atEnd = true;
        },
      });
      await waitFor(async () => atEnd, 60_000, 250, `the end of ${topic}`);
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }

  it('meter batch: no duplicate in either store, consumption unchanged', async () => {
    const base = Date.parse('2026-02-10T00:00:00Z');
    const ids = ['M-K1', 'M-K2'];
    // 15-minute readings for two days; each meter uses a steady 0.5 kWh per interval.
    const messages = ids.flatMap((id) =>
      Array.from({ length: 192 }, (_, i) => ({ key: id, value: JSON.stringify(meterMessage(id, 'C-K', new Date(base + i * 900_000).toISOString(), 1000 + i * 0.5)) })),
    );
    await crashThenRestart('meter-readings', messages);
    const consQuery =
      "SELECT meter_id, to_char(day, 'YYYY-MM-DD') AS day, customer_id, consumption_kwh, readings, register_resets FROM consumption_aggregates WHERE meter_id = ANY($1) ORDER BY 1, 2";
    const before = await snapshot(consQuery, ids);
    expect(before).toEqual(
      ids.flatMap((id) => [
        // 96 intervals end on the 10th (the last at midnight), 95 within the 11th.
        { meter_id: id, day: '2026-02-10', customer_id: 'C-K', consumption_kwh: 48, readings: 96, register_resets: 0 },
        { meter_id: id, day: '2026-02-11', customer_id: 'C-K', consumption_kwh: 47.5, readings: 96, register_resets: 0 },
      ]),
    );

    child = await startChildApp(childEnv());
    const topic = prefixedTopic(stack.env.KAFKA_TOPIC_PREFIX, 'meter-readings');
    const high = await highWatermarks(topic);
    await waitFor(async () => JSON.stringify(await committed(topic)) === JSON.stringify(high), 60_000, 250, 'redelivered batch committed');

    expect(await snapshot(consQuery, ids)).toEqual(before);
    const rows = await pg.query('SELECT meter_id, count(*)::int AS n FROM meter_readings WHERE meter_id = ANY($1) GROUP BY 1 ORDER BY 1', [ids]);
    expect(rows.rows).toEqual(ids.map((id) => ({ meter_id: id, n: 192 })));
    for (const id of ids) {
      const res = await request(child.baseUrl)
        .get(`/api/meters/${id}/readings`)
        .query({ source: 'cassandra', from: '2026-02-10T00:00:00Z', to: '2026-02-12T00:00:00Z', limit: 10000 })
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body.count).toBe(192);
    }
  });
});
