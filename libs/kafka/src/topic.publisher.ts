import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { Message, Producer } from 'kafkajs';
import { KAFKA_PRODUCER } from './kafka.constants';
import { prefixedTopic } from './kafka.topics';

/**
 * The base of a publisher on one of the app's topics (`logical`, with KAFKA_TOPIC_PREFIX) over
 * the shared producer: `send` resolves once every in-sync replica has the messages (acks=all),
 * so a caller reports its action done only once it is on the topic.
 */
export function TopicPublisher(logical: string) {
  @Injectable()
  abstract class Publisher {
    protected readonly topic: string;

    constructor(
      @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
      @Inject(kafkaConfig.KEY) cfg: ConfigType<typeof kafkaConfig>,
    ) {
      this.topic = prefixedTopic(cfg.topicPrefix, logical);
    }

    protected async send(messages: Message[]): Promise<void> {
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    }
  }
  return Publisher;
}
