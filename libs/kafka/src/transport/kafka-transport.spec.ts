import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin, Consumer, EachBatchPayload } from 'kafkajs';
import { of, throwError } from 'rxjs';
import { KafkaHealthIndicator } from '../kafka.health';
import type { KafkaConfig } from '../kafka.options';
import { BatchKafkaServer, KafkaBatch } from './batch-kafka.server';
import { kafkaMicroserviceOptions, kafkaTransportOptions } from './kafka-transport.options';
import { PrefixedKafkaServer } from './prefixed-kafka.server';

const cfg: KafkaConfig = { brokers: ['127.0.0.1:9092'], clientId: 'sg', topicPrefix: 'run1.', topicPartitions: 3, sessionTimeoutMs: 30_000 };

describe('kafkaMicroserviceOptions', () => {
  it('consumes as the exact group id, from the earliest offset, with raw values and manual commits', () => {
    const opts = kafkaTransportOptions(cfg, 'grp');
    expect(opts.postfixId).toBe('');
    expect(opts.consumer).toMatchObject({ groupId: 'grp', allowAutoTopicCreation: false });
    expect(opts.client).toMatchObject({ clientId: 'sg-consumer', brokers: ['127.0.0.1:9092'] });
    expect(opts.subscribe).toEqual({ fromBeginning: true });
    expect(opts.run).toEqual({ autoCommit: false });
    expect(opts.parser).toEqual({ keepBinary: true });
    expect(kafkaTransportOptions(cfg, 'grp', { run: { autoCommit: true } }).run).toEqual({ autoCommit: true });
  });

  it('takes the group session timeout from KAFKA_SESSION_TIMEOUT_MS, heartbeats at most a third of it apart', () => {
    expect(kafkaTransportOptions(cfg, 'grp').consumer).toMatchObject({ sessionTimeout: 30_000, heartbeatInterval: 3000 });
    expect(kafkaTransportOptions({ ...cfg, sessionTimeoutMs: 6000 }, 'grp').consumer).toMatchObject({ sessionTimeout: 6000, heartbeatInterval: 2000 });
  });

  it('registers string patterns under the prefixed topic name', () => {
    const { strategy } = kafkaMicroserviceOptions(cfg, 'grp');
    expect(strategy).toBeInstanceOf(PrefixedKafkaServer);
    const server = strategy as PrefixedKafkaServer;
    server.addHandler('sensor-data', async () => undefined, true);
    expect([...server.getHandlers().keys()]).toEqual(['run1.sensor-data']);
    expect(server.getHandlerByPattern('run1.sensor-data')).not.toBeNull();
  });
});

describe('BatchKafkaServer', () => {
  const msg = (offset: string) => ({ offset, key: Buffer.from('k'), value: Buffer.from('v'), headers: {}, timestamp: '0', attributes: 0 });
  function setup(handler: (batch: KafkaBatch) => unknown, batchOptions: { heartbeatIntervalMs?: number } = {}) {
    const { strategy } = kafkaMicroserviceOptions(cfg, 'grp', { batch: { failedBatchPauseMs: 1, ...batchOptions } });
    const server = strategy as BatchKafkaServer;
    const received: KafkaBatch[] = [];
    server.addHandler('sensor-data', async (batch: KafkaBatch) => (received.push(batch), handler(batch)), true);
    const commitOffsets = jest.fn(async () => undefined);
    const consumer = { commitOffsets } as unknown as Consumer;
    const resolveOffset = jest.fn();
    const heartbeat = jest.fn(async () => undefined);
    let running = true;
    const payload = (topic = 'run1.sensor-data', messages = [msg('10'), msg('11'), msg('12')]) =>
      ({
        batch: {
          topic,
          partition: 2,
          messages,
          highWatermark: '20',
          firstOffset: () => messages[0]?.offset ?? null,
          lastOffset: () => '12',
          offsetLag: () => '7',
        },
        resolveOffset,
        heartbeat,
        isRunning: () => running,
        isStale: () => false,
      }) as unknown as EachBatchPayload;
    // A fake kafkajs client whose transactional producer records what each transaction did.
    const txns: { sent: { topic: string; n: number }[]; offsets: unknown[]; state: 'open' | 'committed' | 'aborted' }[] = [];
    let failCommits = 0;
    let lostAnswers = 0;
    const committedOffsets = new Map<string, string>();
    const producers: unknown[] = [];
    const producer = {
      connect: jest.fn(async () => undefined),
      disconnect: jest.fn(async () => undefined),
      transaction: jest.fn(async () => {
        const t = { sent: [] as { topic: string; n: number }[], offsets: [] as unknown[], state: 'open' as 'open' | 'committed' | 'aborted' };
        txns.push(t);
        return {
          send: async (r: { topic: string; messages: unknown[] }) => void t.sent.push({ topic: r.topic, n: r.messages.length }),
          sendOffsets: async (o: unknown) => void t.offsets.push(o),
          commit: async () => {
            if (failCommits-- > 0) throw new Error('coordinator not available');
            t.state = 'committed';
            for (const o of t.offsets as { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }[]) {
              for (const tp of o.topics) for (const p of tp.partitions) committedOffsets.set(`${tp.topic}|${p.partition}`, p.offset);
            }
            // The commit landed but its answer was lost on the way back.
            if (lostAnswers-- > 0) throw new Error('Connection closed');
          },
          abort: async () => {
            if (t.state === 'open') t.state = 'aborted';
          },
        };
      }),
    };
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchOffsets: async ({ topics }: { topics: string[] }) =>
        topics.map((topic) => ({ topic, partitions: [{ partition: 2, offset: committedOffsets.get(`${topic}|2`) ?? '-1' }] })),
    };
    const kafkaClient = {
      producer: jest.fn(() => (producers.push(producer), producer)),
      admin: () => admin,
    };
    (server as unknown as { client: unknown }).client = kafkaClient;
    const stop = () => (running = false);
    const failNextCommits = (n: number) => (failCommits = n);
    const loseNextCommitAnswers = (n: number) => (lostAnswers = n);
    return { server, received, commitOffsets, resolveOffset, consumer, payload, heartbeat, txns, kafkaClient, stop, failNextCommits, loseNextCommitAnswers, producers };
  }

  it('is chosen by { batch: true }; the default stays per message', () => {
    expect(kafkaMicroserviceOptions(cfg, 'grp', { batch: true }).strategy).toBeInstanceOf(BatchKafkaServer);
    expect(kafkaMicroserviceOptions(cfg, 'grp').strategy).not.toBeInstanceOf(BatchKafkaServer);
    const opts = kafkaTransportOptions(cfg, 'grp', { consumer: { maxWaitTimeInMs: 50 } });
    expect(opts.consumer).toMatchObject({ groupId: 'grp', allowAutoTopicCreation: false, maxWaitTimeInMs: 50 });
  });

  it('hands the batch to the handler of its prefixed topic and commits lastOffset + 1 when completed', async () => {
    const t = setup(() => ({ completed: true }));
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.received).toHaveLength(1);
    expect(t.received[0]).toMatchObject({ topic: 'run1.sensor-data', logicalTopic: 'sensor-data', partition: 2, firstOffset: '10', lastOffset: '12' });
    expect(t.received[0].messages.map((m) => m.offset)).toEqual(['10', '11', '12']);
    expect(t.received[0].offsetLag()).toBe('7');
    expect(t.received[0].shouldContinue()).toBe(true);
    expect(t.resolveOffset).toHaveBeenCalledWith('12');
    expect(t.commitOffsets).toHaveBeenCalledWith([{ topic: 'run1.sensor-data', partition: 2, offset: '13' }]);
  });

  it('accepts an Observable result', async () => {
    const t = setup(() => of({ completed: true }));
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.commitOffsets).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['returns not completed', () => ({ completed: false })],
    ['returns nothing', () => undefined],
    ['throws', () => Promise.reject(new Error('boom'))],
    ['errors its stream', () => throwError(() => new Error('boom'))],
  ])('neither resolves nor commits when the handler %s', async (_name, handler) => {
    const t = setup(handler);
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.received).toHaveLength(1);
    expect(t.resolveOffset).not.toHaveBeenCalled();
    expect(t.commitOffsets).not.toHaveBeenCalled();
  });

  it('keeps the group heartbeat going while a slow handler runs', async () => {
    const t = setup(() => new Promise((r) => setTimeout(() => r({ completed: true }), 120)), { heartbeatIntervalMs: 20 });
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.heartbeat.mock.calls.length).toBeGreaterThanOrEqual(3);
    const after = t.heartbeat.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(t.heartbeat.mock.calls.length).toBe(after);
  });

  it('produces side outputs and commits the offset in one transaction (no plain commit)', async () => {
    const t = setup(() => ({ completed: true, produce: [{ topic: 'run1.sensor-data.dlq', messages: [{ value: 'a' }, { value: 'b' }] }] }));
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.txns).toEqual([
      {
        sent: [{ topic: 'run1.sensor-data.dlq', n: 2 }],
        offsets: [{ consumerGroupId: 'grp', topics: [{ topic: 'run1.sensor-data', partitions: [{ partition: 2, offset: '13' }] }] }],
        state: 'committed',
      },
    ]);
    expect(t.commitOffsets).not.toHaveBeenCalled();
    expect(t.kafkaClient.producer).toHaveBeenCalledWith(expect.objectContaining({ idempotent: true, transactionalId: expect.stringMatching(/^grp-side-outputs-/) }));
  });

  it('aborts a failed transaction and tries again with a fresh producer (same transactional id), committing exactly once', async () => {
    const t = setup(() => ({ completed: true, produce: [{ topic: 'x.dlq', messages: [{ value: 'a' }] }] }));
    t.failNextCommits(2);
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.txns.map((x) => x.state)).toEqual(['aborted', 'aborted', 'committed']);
    expect(t.producers).toHaveLength(3);
    const ids = t.kafkaClient.producer.mock.calls.map((c) => (c as unknown as [{ transactionalId: string }])[0].transactionalId);
    expect(new Set(ids).size).toBe(1);
  }, 10_000);

  it('does not run a transaction again when its commit landed but the answer was lost', async () => {
    const t = setup(() => ({ completed: true, produce: [{ topic: 'x.dlq', messages: [{ value: 'a' }] }] }));
    t.loseNextCommitAnswers(1);
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.txns.map((x) => x.state)).toEqual(['committed']);
  }, 10_000);

  it('gives up (nothing produced, nothing committed) once the partition is no longer its own', async () => {
    const t = setup((b) => {
      t.stop();
      return { completed: true, produce: [{ topic: 'x.dlq', messages: [{ value: 'a' }] }] };
    });
    await t.server.handleBatch(t.consumer, t.payload());
    expect(t.txns.every((x) => x.state !== 'committed')).toBe(true);
    expect(t.commitOffsets).not.toHaveBeenCalled();
  });

  it('shouldContinue() turns false once the server closes', async () => {
    const t = setup(() => ({ completed: false }));
    await t.server.handleBatch(t.consumer, t.payload());
    await t.server.close();
    expect(t.received[0].shouldContinue()).toBe(false);
  });
});

describe('KafkaHealthIndicator', () => {
  const indicator = (describeCluster: () => Promise<unknown>) =>
    new KafkaHealthIndicator({ describeCluster } as unknown as Admin, new HealthIndicatorService(), { topics: [], healthTimeoutMs: 50 });

  it('is up with the broker count', async () => {
    const result = await indicator(async () => ({ brokers: [{ nodeId: 1 }], controller: 1, clusterId: 'c' })).isHealthy('kafka');
    expect(result.kafka).toMatchObject({ status: 'up', brokers: 1 });
  });

  it('is down on error or timeout', async () => {
    expect((await indicator(() => Promise.reject(new Error('Connection error'))).isHealthy()).kafka.status).toBe('down');
    expect((await indicator(() => new Promise(() => undefined)).isHealthy()).kafka).toMatchObject({
      status: 'down',
      message: 'timeout of 50ms exceeded',
    });
  });
});
