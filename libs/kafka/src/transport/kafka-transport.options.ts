import { CustomStrategy } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { buildKafkaJsConfig, KafkaConfig } from '../kafka.options';
import { BatchKafkaServer, BatchModeOptions } from './batch-kafka.server';
import { KafkaTransportOptions, PrefixedKafkaServer } from './prefixed-kafka.server';

/** Overrides of kafkaTransportOptions(); `consumer` settings add to the defaults. */
export type KafkaTransportOverrides = Omit<Partial<KafkaTransportOptions>, 'consumer'> & {
  consumer?: Partial<NonNullable<KafkaTransportOptions['consumer']>>;
};

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
  overrides: KafkaTransportOverrides = {},
): KafkaTransportOptions {
  return {
    postfixId: '',
    client: buildKafkaJsConfig(cfg, '-consumer'),
    subscribe: { fromBeginning: true },
    run: { autoCommit: false },
    parser: { keepBinary: true },
    // Nest's server keeps a producer for request/reply; we only use events.
    producer: { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false },
    ...overrides,
    // Consumer overrides (fetch sizes, ...) add to the defaults above instead of replacing them.
    consumer: {
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: cfg.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(cfg.sessionTimeoutMs / 3)),
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
      ...overrides.consumer,
    },
  };
}

/** Transport overrides plus `batch`: `true` (or its settings) selects BatchKafkaServer. */
export type KafkaMicroserviceOverrides = KafkaTransportOverrides & { batch?: true | BatchModeOptions };

/**
 * Options for `app.connectMicroservice(...)`: the Kafka transport (a ServerKafka honouring
 * KAFKA_TOPIC_PREFIX) consuming as `groupId`. Per message by default; with `batch` a
 * BatchKafkaServer hands whole partition batches to the handlers.
 */
export function kafkaMicroserviceOptions(
  cfg: KafkaConfig,
  groupId: string,
  overrides: KafkaMicroserviceOverrides = {},
): CustomStrategy {
  const { batch, ...transport } = overrides;
  const options = kafkaTransportOptions(cfg, groupId, transport);
  if (batch) {
    return { strategy: new BatchKafkaServer(options, cfg.topicPrefix, batch === true ? {} : batch) };
  }
  return { strategy: new PrefixedKafkaServer(options, cfg.topicPrefix) };
}
