import { Injectable } from '@nestjs/common';
import { toWire } from '@smartgrid/events';
import type { GridEvent, GridEventsSink, GridEventWireInput } from '@smartgrid/events';
import { GridEventsPublisher } from './grid-events.publisher';

/**
 * The events lib's GridEventsSink on Kafka `grid-events`, through the shared publisher (the
 * registry's events go the same way): the contract's JSON, key = source id.
 */
@Injectable()
export class KafkaGridEventsSink implements GridEventsSink {
  constructor(private readonly publisher: GridEventsPublisher) {}

  publish(events: readonly GridEvent[]): Promise<void> {
    return this.publisher.publish(events.map(gridEventInputOf));
  }
}

/** A domain event as the publisher takes it (the wire details: the event's, its source kind and alarm state). */
export function gridEventInputOf(e: GridEvent): GridEventWireInput {
  return { eventId: e.eventId, sourceId: e.sourceId, type: e.type, severity: e.severity, status: e.status, timestamp: e.timestamp, details: toWire(e).details };
}

/** The Kafka message of an event (for batches that produce it in their commit transaction). */
export function gridEventMessage(e: GridEvent): { key: string; value: string } {
  return { key: e.sourceId, value: JSON.stringify(toWire(e)) };
}
