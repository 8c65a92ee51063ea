import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { wireOf } from '@smartgrid/events';
import type { GridEventWireInput } from '@smartgrid/events';
import { Producer } from 'kafkajs';
import { KAFKA_PRODUCER } from './kafka.constants';
import { prefixedTopic, TOPICS } from './kafka.topics';

/** One grid event, as the `grid-events` contract carries it (snake_case on the wire, see wireOf). */
export type GridEventInput = GridEventWireInput;

/**
 * Publishes grid events on `grid-events` (`{event_id, source_id, type, severity, status,
 * timestamp, details}`, key = source id). Resolves once the broker has them (acks=all). The
 * topic must be among the app's KafkaModule topics.
 */
@Injectable()
export class GridEventsPublisher {
  private readonly topic: string;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(kafkaConfig.KEY) cfg: ConfigType<typeof kafkaConfig>,
  ) {
    this.topic = prefixedTopic(cfg.topicPrefix, TOPICS.gridEvents);
  }

  async publish(events: readonly GridEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((e) => ({
        key: e.sourceId,
        value: JSON.stringify(wireOf(e)),
      })),
    });
  }
}
