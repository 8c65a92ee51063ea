import { Injectable } from '@nestjs/common';
import { wireOf } from '@smartgrid/events';
import type { GridEventWireInput } from '@smartgrid/events';
import { TOPICS } from './kafka.topics';
import { TopicPublisher } from './topic.publisher';

/** One grid event, as the `grid-events` contract carries it (snake_case on the wire, see wireOf). */
export type GridEventInput = GridEventWireInput;

/**
 * Publishes grid events on `grid-events` (`{event_id, source_id, type, severity, status,
 * timestamp, details}`, key = source id). Resolves once the broker has them (acks=all). The
 * topic must be among the app's KafkaModule topics.
 */
@Injectable()
export class GridEventsPublisher extends TopicPublisher(TOPICS.gridEvents) {
  async publish(events: readonly GridEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.send(events.map((e) => ({ key: e.sourceId, value: JSON.stringify(wireOf(e)) })));
  }
}
