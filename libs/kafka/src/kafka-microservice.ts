import { CustomStrategy, KafkaOptions, ServerKafka } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { buildKafkaJsConfig, KafkaConfig } from './kafka.options';
import { prefixedTopic } from './topics';

export type KafkaTransportOptions = Required<KafkaOptions>['options'];

/**
 * ServerKafka that subscribes to `<prefix><pattern>` for every string @EventPattern. Handlers
 * keep the logical names (`@EventPattern(TOPICS.sensorData)`); the prefix comes from config at
 * run time, which a decorator argument cannot do. `KafkaContext.getTopic()` reports the real
 * (prefixed) topic, which is what DeadLetterPublisher expects.
 */
export class PrefixedKafkaServer extends ServerKafka {
  constructor(
    options: KafkaTransportOptions,
    private readonly topicPrefix: string,
  ) {
    super(options);
  }

  override addHandler(...args: Parameters<ServerKafka['addHandler']>): void {
    const [pattern, ...rest] = args;
    super.addHandler(typeof pattern === 'string' ? prefixedTopic(this.topicPrefix, pattern) : pattern, ...rest);
  }
}

/**
 * kafkajs settings for the app's consumer: the group id exactly as given (no "-server"
 * suffix), new groups start from the earliest offset so nothing produced before the first
 * start is skipped, message values stay raw Buffers (handlers parse them, and can dead-letter
 * the original bytes), and offsets are committed by the handlers (`autoCommit: false`) once
 * the records are durable.
 */
export function kafkaTransportOptions(
  cfg: KafkaConfig,
  groupId: string,
  overrides: Partial<KafkaTransportOptions> = {},
): KafkaTransportOptions {
  return {
    postfixId: '',
    client: buildKafkaJsConfig(cfg, '-consumer'),
    consumer: {
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
    },
    subscribe: { fromBeginning: true },
    run: { autoCommit: false },
    parser: { keepBinary: true },
    // Nest's server keeps a producer for request/reply; we only use events.
    producer: { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false },
    ...overrides,
  };
}

/**
 * Options for `app.connectMicroservice(...)`: the Kafka transport (a ServerKafka honouring
 * KAFKA_TOPIC_PREFIX) consuming as `groupId`.
 */
export function kafkaMicroserviceOptions(
  cfg: KafkaConfig,
  groupId: string,
  overrides: Partial<KafkaTransportOptions> = {},
): CustomStrategy {
  return { strategy: new PrefixedKafkaServer(kafkaTransportOptions(cfg, groupId, overrides), cfg.topicPrefix) };
}
