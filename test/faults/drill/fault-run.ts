import { mkdirSync } from 'fs';
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';
import { prefixedTopic } from '@smartgrid/kafka';
import { createTestDatabase, deleteTestTopics, dropKeyspace, dropTestDatabase, REPO_ROOT, testEnv, TestEnv } from '@smartgrid/testing';
import { Client as CassandraClient } from 'cassandra-driver';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client as PgClient } from 'pg';
import { BuiltApp, freePort } from '../../support/built-app';
import { FaultName, FaultTiming, injectAndRestore } from './faults';

export interface FaultResult {
  fault: FaultName;
  produced: number;
  expectedRows: number;
  postgresRows: number;
  cassandraRows: number;
  aggregated: number;
  deadLetters: number;
  expectedDeadLetters: number;
  /** From restoring the component to every count matching; null when it never did. */
  convergedMs: number | null;
  ok: boolean;
  problems: string[];
}

interface RunOptions extends FaultTiming {
  readings: number;
  timeoutSeconds: number;
}

const SENSORS = 1000;
/** One in this many messages is invalid (a string value) and must end in the dead-letter topic. */
const INVALID_EVERY = 1000;
const CHUNK = 500;
const LOG_DIR = join(process.env.SMARTGRID_STATE_DIR ?? join(REPO_ROOT, '.local'), 'logs', 'faults');

/** The readings: SENSORS sensors, one reading a minute each, ending now. */
function message(i: number, base: number): { key: string; value: string; valid: boolean } {
  const sensor = `F-${i % SENSORS}`;
  const ts = new Date(base + Math.floor(i / SENSORS) * 60_000).toISOString();
  const valid = (i + 1) % INVALID_EVERY !== 0;
  const value = valid ? 230 + (i % 17) / 10 : 'not-a-number';
  return { key: sensor, value: JSON.stringify({ sensor_id: sensor, sensor_type: 'voltage', value, unit: 'V', timestamp: ts }), valid };
}

/** Counts that say whether the run has converged; each query retried by the caller while a server is away. */
class Counters {
  constructor(
    private readonly env: TestEnv,
    private readonly pg: PgClient,
    private readonly cassandra: CassandraClient,
  ) {}

  async postgres(): Promise<{ rows: number; aggregated: number }> {
    const rows = await this.pg.query('SELECT count(*)::int AS n FROM sensor_data');
    const agg = await this.pg.query("SELECT coalesce(sum(count), 0)::int AS n FROM sensor_aggregates WHERE bucket_interval = 'day'");
    return { rows: rows.rows[0].n as number, aggregated: agg.rows[0].n as number };
  }

  async cassandraRows(days: string[]): Promise<number> {
    const keys: [string, string][] = [];
    for (let s = 0; s < SENSORS; s++) for (const d of days) keys.push([`F-${s}`, d]);
    let total = 0;
    for (let i = 0; i < keys.length; i += 64) {
      const counts = await Promise.all(
        keys.slice(i, i + 64).map(async ([id, day]) => {
          const rs = await this.cassandra.execute(`SELECT COUNT(*) AS n FROM ${this.env.CASSANDRA_KEYSPACE}.sensor_readings_by_day WHERE sensor_id = ? AND day = ?`, [id, day], {
            prepare: true,
          });
          return Number(rs.first()?.get('n') ?? 0);
        }),
      );
      total += counts.reduce((a, b) => a + b, 0);
    }
    return total;
  }
}

/** Dead letters as a DLQ consumer sees them (read_committed), read to the end of the topic. */
async function deadLetters(kafka: Kafka, env: TestEnv): Promise<{ total: number; distinct: number }> {
  const topic = `${prefixedTopic(env.KAFKA_TOPIC_PREFIX, 'sensor-data')}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `${env.KAFKA_TOPIC_PREFIX}drill-dlq-reader-${Date.now()}` });
  const offsets = new Set<string>();
  let total = 0;
  const done = new Set<number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          total++;
          offsets.add(`${String(m.headers?.['x-source-partition'])}/${String(m.headers?.['x-source-offset'])}`);
        }
        if (batch.offsetLag() === '0') done.add(batch.partition);
      },
    });
    const until = Date.now() + 120_000;
    while (partitions.some((p) => !done.has(p.partition)) && Date.now() < until) await sleep(250);
  } finally {
    await consumer.disconnect();
  }
  return { total, distinct: offsets.size };
}

async function produceAll(producer: Producer, topic: string, n: number, base: number, onProgress: (sent: number) => void): Promise<{ valid: number; invalid: number }> {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < n; i += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => message(i + k, base));
    // Kafka may be the fault: keep trying until the broker takes the chunk.
    for (;;) {
      try {
        await producer.send({ topic, acks: -1, messages: batch.map(({ key, value }) => ({ key, value })) });
        break;
      } catch {
        await sleep(1000);
      }
    }
    for (const m of batch) (m.valid ? valid++ : invalid++);
    onProgress(i + batch.length);
  }
  return { valid, invalid };
}

export async function runFault(fault: FaultName, o: RunOptions): Promise<FaultResult> {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = (line: string) => process.stderr.write(`[${fault}] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const env = testEnv({ LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '3' });
  await createTestDatabase(env.POSTGRES_DB);
  const app = new BuiltApp('data-processing', env, await freePort(), join(LOG_DIR, `${fault}-app.log`));
  const kafka = new Kafka({ clientId: 'fault-drill', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const pg = new PgClient({ host: env.POSTGRES_HOST, port: Number(env.POSTGRES_PORT), user: env.POSTGRES_USER, password: env.POSTGRES_PASSWORD, database: env.POSTGRES_DB });
  const cassandra = new CassandraClient({ contactPoints: env.CASSANDRA_HOSTS.split(','), localDataCenter: env.CASSANDRA_LOCAL_DC, protocolOptions: { port: Number(env.CASSANDRA_PORT) } });
  pg.on('error', () => undefined);
  const problems: string[] = [];
  const base = Date.now() - Math.ceil(o.readings / SENSORS) * 60_000;
  const days = [...new Set(Array.from({ length: Math.ceil(o.readings / SENSORS) + 1 }, (_, k) => new Date(base + k * 60_000).toISOString().slice(0, 10)))];
  let result: FaultResult = { fault, produced: 0, expectedRows: 0, postgresRows: 0, cassandraRows: 0, aggregated: 0, deadLetters: 0, expectedDeadLetters: 0, convergedMs: null, ok: false, problems };
  try {
    log('starting data-processing');
    await app.start();
    await producer.connect();
    const topic = prefixedTopic(env.KAFKA_TOPIC_PREFIX, 'sensor-data');
    let faultDone: Promise<number> | undefined;
    const produced = await produceAll(producer, topic, o.readings, base, (sent) => {
      if (!faultDone && sent >= o.readings * 0.3) faultDone = injectAndRestore(fault, app, o, log);
    });
    log(`produced ${o.readings} (${produced.invalid} invalid)`);
    const restoredAt = await (faultDone ?? Promise.resolve(Date.now()));
    result = { ...result, produced: o.readings, expectedRows: produced.valid, expectedDeadLetters: produced.invalid };
    await pg.connect();
    await cassandra.connect();
    const counters = new Counters(env, pg, cassandra);
    const until = Date.now() + o.timeoutSeconds * 1000;
    while (Date.now() < until) {
      try {
        const p = await counters.postgres();
        result.postgresRows = p.rows;
        result.aggregated = p.aggregated;
        if (p.rows === produced.valid && p.aggregated === produced.valid) {
          result.cassandraRows = await counters.cassandraRows(days);
          if (result.cassandraRows === produced.valid) {
            result.convergedMs = Date.now() - restoredAt;
            break;
          }
        }
      } catch (err) {
        log(`counting: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(2000);
    }
    if (result.convergedMs === null) result.cassandraRows = await counters.cassandraRows(days).catch(() => -1);
    const dlq = await deadLetters(kafka, env);
    result.deadLetters = dlq.total;
    if (dlq.total !== dlq.distinct) problems.push(`${dlq.total - dlq.distinct} dead letters twice`);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await app.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await cassandra.shutdown().catch(() => undefined);
    await Promise.allSettled([dropTestDatabase(env.POSTGRES_DB), dropKeyspace(env), deleteTestTopics(env)]);
  }
  const expect = (what: string, got: number, want: number) => {
    if (got < want) problems.push(`${want - got} ${what} lost`);
    if (got > want) problems.push(`${got - want} ${what} counted twice`);
  };
  expect('rows in PostgreSQL', result.postgresRows, result.expectedRows);
  expect('rows in Cassandra', result.cassandraRows, result.expectedRows);
  expect('readings in the aggregates', result.aggregated, result.expectedRows);
  expect('dead letters', result.deadLetters, result.expectedDeadLetters);
  result.ok = problems.length === 0;
  log(result.ok ? `converged in ${((result.convergedMs ?? 0) / 1000).toFixed(1)} s` : `FAILED: ${problems.join('; ')}`);
  return result;
}
