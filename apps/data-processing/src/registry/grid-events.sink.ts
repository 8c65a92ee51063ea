import { Injectable } from '@nestjs/common';
import { GridEventsPublisher } from '@smartgrid/kafka';
import type { RegistryEventSink, RegistryGridEvent } from '@smartgrid/registry';

/** The registry's event port on Kafka `grid-events`. */
@Injectable()
export class GridEventsSink implements RegistryEventSink {
  constructor(private readonly publisher: GridEventsPublisher) {}

  publish(events: readonly RegistryGridEvent[]): Promise<void> {
    return this.publisher.publish(events);
  }
}
