import { Inject, Injectable } from '@nestjs/common';
import { deterministicTimeUuid, EVENT_LEDGER, EventDeliveryService, EventType, Severity } from '@smartgrid/events';
import type { EventLedger, GridEvent } from '@smartgrid/events';
import type { RegistryEventSink, RegistryGridEvent } from '@smartgrid/registry';

/**
 * The registry's event port, through the events lib like every other grid event: recorded in
 * the PostgreSQL ledger (resolves once it is there, so it is durable), then delivered to the
 * event history (Cassandra, MongoDB) and to `grid-events`, with a backlog for any that is down.
 * Ids become version-1 UUIDs derived from the registry's own id (kept in
 * `details.registryEventId`), as the history stores key events by time-based UUIDs.
 */
@Injectable()
export class GridEventsSink implements RegistryEventSink {
  constructor(
    @Inject(EVENT_LEDGER) private readonly ledger: EventLedger,
    private readonly delivery: EventDeliveryService,
  ) {}

  async publish(events: readonly RegistryGridEvent[]): Promise<void> {
    const recorded = await this.ledger.record(events.map(gridEventOf), 'registry');
    await this.delivery.deliver(recorded, { kafka: true });
  }
}

/** The registry's severities in the events lib's scale (no `info` there: the lowest, `warning`). */
const SEVERITY: Record<RegistryGridEvent['severity'], Severity> = { info: 'warning', warning: 'warning', critical: 'critical' };

export function gridEventOf(e: RegistryGridEvent): GridEvent {
  return {
    eventId: deterministicTimeUuid(e.timestamp.getTime(), `registry|${e.eventId}`),
    sourceId: e.sourceId,
    sourceKind: 'meter',
    type: e.type as EventType,
    severity: SEVERITY[e.severity],
    status: 'raised',
    timestamp: e.timestamp,
    details: { ...e.details, registryEventId: e.eventId },
  };
}
