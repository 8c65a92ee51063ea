import { Controller, INestApplication, INestApplicationContext } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { kafkaConfig, SmartgridConfigModule } from '@smartgrid/config';
import {
  DeadLetterPublisher,
  dlqTopic,
  ensureTopics,
  KAFKA_ADMIN,
  KAFKA_PRODUCER,
  KafkaHealthIndicator,
  kafkaMicroserviceOptions,
  KafkaModule,
  TOPICS,
  withDlqTwins,
} from '@smartgrid/kafka';
import { applyTestEnv, deleteTestTopics, TestEnv, waitFor } from '@smartgrid/testing';
import { Admin, EachMessagePayload, Kafka, logLevel, Producer } from 'kafkajs';

interface Received {
  topic: string;
  value: Buffer;
  key: string | null;
}

const received: Received[] = [];

/** A minimal consumer in the shape feature handlers take: parse, dead-letter bad input, commit. */
@Controller()
class ProbeConsumer {
  constructor(private readonly dlq: DeadLetterPublisher) {}

  @EventPattern(TOPICS.sensorData)
  async onSensorData(@Ctx() ctx: KafkaContext): Promise<void> {
    const message = ctx.getMessage();
    // keepBinary: the value is the record's bytes, untouched.
    const value = message.value as Buffer;
    received.push({ topic: ctx.getTopic(), value, key: message.key === null ? null : String(message.key) });
    try {
      JSON.parse(value.toString('utf8'));
    } catch {
      await this.dlq.publish(
        {
          topic: ctx.getTopic(),
          partition: ctx.getPartition(),
          offset: message.offset,
          key: message.key === null ? null : Buffer.from(String(message.key)),
          value,
        },
        'value is not valid JSON',
      );
    }
    await ctx.getConsumer().commitOffsets([
      { topic: ctx.getTopic(), partition: ctx.getPartition(), offset: (BigInt(message.offset) + 1n).toString() },
    ]);
  }
}

describe('KafkaModule (real Kafka)', () => {
  let env: TestEnv;
  let app: INestApplication;
  let prefix: string;
  let groupId: string;

  beforeAll(async () => {
    env = applyTestEnv({ KAFKA_TOPIC_PARTITIONS: '2' });
    prefix = env.KAFKA_TOPIC_PREFIX;
    groupId = `${prefix}probe`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartgridConfigModule.forRoot({ require: ['kafka'] }),
        KafkaModule.forRootAsync({ topics: [TOPICS.sensorData, TOPICS.meterReadings] }),
      ],
      controllers: [ProbeConsumer],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    app.connectMicroservice(kafkaMicroserviceOptions(app.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY), groupId));
    await app.startAllMicroservices();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await deleteTestTopics(env);
  });

  it('created each topic and its .dlq twin with the configured partitions', async () => {
    const admin = app.get<Admin>(KAFKA_ADMIN);
    const names = withDlqTwins([TOPICS.sensorData, TOPICS.meterReadings].map((t) => prefix + t));
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(names.map((n) => [n, 2]).sort());
  });

  it('creating them again is a no-op', async () => {
    const admin = app.get<Admin>(KAFKA_ADMIN);
    expect(await ensureTopics(admin, withDlqTwins([prefix + TOPICS.sensorData]), 2)).toEqual([]);
  });

  it('delivers produced records to the prefixed @EventPattern handler as raw bytes and commits', async () => {
    const producer = app.get<Producer>(KAFKA_PRODUCER);
    const good = JSON.stringify({ sensor_id: 'S-1', sensor_type: 'voltage', value: 229.7, timestamp: '2026-11-26T10:00:00.000Z' });
    await producer.send({ topic: prefix + TOPICS.sensorData, acks: -1, messages: [{ key: 'S-1', value: good }] });

    await waitFor(() => received.length >= 1, 60_000, 200, 'first record consumed');
    expect(received[0]).toEqual({ topic: prefix + TOPICS.sensorData, key: 'S-1', value: Buffer.from(good) });
    expect(Buffer.isBuffer(received[0].value)).toBe(true);
  });

  it('dead-letters a bad record with its original key, bytes and source headers', async () => {
    const producer = app.get<Producer>(KAFKA_PRODUCER);
    const bad = Buffer.from('{"sensor_id": "S-2", broken');
    const [meta] = await producer.send({ topic: prefix + TOPICS.sensorData, acks: -1, messages: [{ key: 'S-2', value: bad }] });
    await waitFor(() => received.length >= 2, 60_000, 200, 'bad record consumed');

    const reader = new Kafka({ clientId: `${prefix}reader`, brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const consumer = reader.consumer({ groupId: `${prefix}dlq-reader` });
    const dead: EachMessagePayload[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic(prefix + TOPICS.sensorData), fromBeginning: true });
    await consumer.run({ eachMessage: async (p) => void dead.push(p) });
    try {
      await waitFor(() => dead.length >= 1, 60_000, 200, 'dead letter');
    } finally {
      await consumer.disconnect();
    }
    const { message } = dead[0];
    expect(message.key?.toString()).toBe('S-2');
    expect(message.value).toEqual(bad);
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(headers).toMatchObject({
      'x-dlq-reason': 'value is not valid JSON',
      'x-source-topic': prefix + TOPICS.sensorData,
      'x-source-partition': String(meta.partition),
      'x-source-offset': String(meta.baseOffset),
    });
    expect(Number.isNaN(Date.parse(headers['x-failed-at']))).toBe(false);
  });

  it('committed offset + 1 for what it handled', async () => {
    const admin = app.get<Admin>(KAFKA_ADMIN);
    await waitFor(
      async () => {
        const [topic] = await admin.fetchOffsets({ groupId, topics: [prefix + TOPICS.sensorData] });
        const committed = topic.partitions.map((p) => Number(p.offset)).filter((o) => o > 0);
        return committed.reduce((a, b) => a + b, 0) === 2;
      },
      30_000,
      200,
      'offsets committed',
    );
  });

  it('reports healthy through a metadata round trip', async () => {
    const result = await app.get(KafkaHealthIndicator).isHealthy('kafka');
    expect(result.kafka).toMatchObject({ status: 'up', brokers: 1 });
  });
});

describe('KafkaModule start-up without handlers', () => {
  it('boots a consumer-less app (nothing subscribed) and shuts down cleanly', async () => {
    const env = applyTestEnv();
    const moduleRef = await Test.createTestingModule({
      imports: [SmartgridConfigModule.forRoot({ require: ['kafka'] }), KafkaModule.forRootAsync({ topics: [TOPICS.auditEvents] })],
    }).compile();
    const app: INestApplicationContext & INestApplication = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    app.connectMicroservice(kafkaMicroserviceOptions(app.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY), `${env.KAFKA_TOPIC_PREFIX}idle`));
    try {
      await app.startAllMicroservices();
      await app.init();
    } finally {
      await app.close();
      await deleteTestTopics(env);
    }
  });
});
