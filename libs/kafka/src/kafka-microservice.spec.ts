import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { kafkaMicroserviceOptions, kafkaTransportOptions, PrefixedKafkaServer } from './kafka-microservice';
import { KafkaHealthIndicator } from './kafka.health';
import type { KafkaConfig } from './kafka.options';

const cfg: KafkaConfig = { brokers: ['127.0.0.1:9092'], clientId: 'sg', topicPrefix: 'run1.', topicPartitions: 3 };

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

  it('registers string patterns under the prefixed topic name', () => {
    const { strategy } = kafkaMicroserviceOptions(cfg, 'grp');
    expect(strategy).toBeInstanceOf(PrefixedKafkaServer);
    const server = strategy as PrefixedKafkaServer;
    server.addHandler('sensor-data', async () => undefined, true);
    expect([...server.getHandlers().keys()]).toEqual(['run1.sensor-data']);
    expect(server.getHandlerByPattern('run1.sensor-data')).not.toBeNull();
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
