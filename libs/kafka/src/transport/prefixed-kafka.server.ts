import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import { prefixedTopic } from '../kafka.topics';

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
    protected readonly topicPrefix: string,
  ) {
    super(options);
  }

  override addHandler(...args: Parameters<ServerKafka['addHandler']>): void {
    const [pattern, ...rest] = args;
    super.addHandler(typeof pattern === 'string' ? prefixedTopic(this.topicPrefix, pattern) : pattern, ...rest);
  }
}

