import { Injectable } from '@nestjs/common';
import { TOPICS } from './kafka.topics';
import { TopicPublisher } from './topic.publisher';

/** One audited action, as the `audit-events` contract carries it to user-management. */
export interface AuditEventInput {
  /** Who did it: the username from the caller's token (or a service name). */
  actor: string;
  /** Dotted verb, e.g. `storage.quarantine.discard`. */
  action: string;
  /** What it was done to, e.g. `quarantine/cassandra.42`. */
  resource: string;
  /** Free-form details (before/after, request id, outcome); JSON only. */
  metadata?: Record<string, unknown>;
  timestamp?: Date;
}

/**
 * Publishes audited actions on `audit-events` (keyed by resource, so one resource's events
 * stay in order), where user-management appends them to the hash-chained audit log. Resolves
 * once the broker has them (acks=all, idempotent producer); a caller that cannot get its
 * action audited must not report it as done silently.
 */
@Injectable()
export class AuditEventsPublisher extends TopicPublisher(TOPICS.auditEvents) {
  async publish(event: AuditEventInput): Promise<void> {
    const body = {
      actor: event.actor,
      action: event.action,
      resource: event.resource,
      timestamp: (event.timestamp ?? new Date()).toISOString(),
      metadata: event.metadata ?? {},
    };
    await this.send([{ key: event.resource, value: JSON.stringify(body) }]);
  }
}
