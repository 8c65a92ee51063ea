/** A grid event as the `grid-events` contract carries it. */
export interface RegistryGridEvent {
  eventId: string;
  sourceId: string;
  type: string;
  severity: 'info' | 'warning' | 'critical';
  status: string;
  timestamp: Date;
  details: Record<string, unknown>;
}

/** Where the registry reports what it flags (Kafka `grid-events`). Resolves once they are durable. */
export interface RegistryEventSink {
  publish(events: readonly RegistryGridEvent[]): Promise<void>;
}

export const REGISTRY_EVENT_SINK = Symbol('REGISTRY_EVENT_SINK');
