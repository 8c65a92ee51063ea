import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { kafkaConfig } from '@smartgrid/config';
import { Producer } from 'kafkajs';
import { KAFKA_PRODUCER } from './kafka.constants';
import { prefixedTopic, TOPICS } from './kafka.topics';

/** One grid event, as the `grid-events` contract carries it (snake_case on the wire). */
export interface GridEventInput {
  eventId: string;
  /** The sensor or meter it is about; also the message key, so one source's events stay in order. */
  sourceId: string;
  type: string;
  severity: string;
  status: string;
  timestamp: Date;
  details: Record<string, unknown>;
}

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
        value: JSON.stringify({
          event_id: e.eventId,
          source_id: e.sourceId,
          type: e.type,
          severity: e.severity,
          status: e.status,
          timestamp: e.timestamp.toISOString(),
          details: e.details,
        }),
      })),
    });
  }
}
