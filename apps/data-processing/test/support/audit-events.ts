import { waitFor } from '@smartgrid/testing';
import { Harness } from './harness';

/** An `audit-events` message as user-management reads it. */
export interface AuditEventMessage {
  actor: string;
  action: string;
  resource: string;
  timestamp: string;
  metadata: Record<string, unknown>;
}

export interface AuditEventsTap {
  /** Every audit event read so far. */
  events: AuditEventMessage[];
  stop(): Promise<void>;
}

let readers = 0;

/** Reads `audit-events` from the beginning, with a consumer group of its own, until stopped. */
export async function tapAuditEvents(h: Harness): Promise<AuditEventsTap> {
  const consumer = h.kafka.consumer({ groupId: `${h.stack.env.KAFKA_TOPIC_PREFIX}audit-reader-${(readers += 1)}` });
  const events: AuditEventMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: h.topic('audit-events'), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void events.push(JSON.parse(String(message.value)) as AuditEventMessage) });
  } catch (err) {
    await consumer.disconnect();
    throw err;
  }
  return { events, stop: () => consumer.disconnect() };
}

/** The audit events read once `until` holds for them (bounded by a minute, naming `what` if it never does). */
export async function readAuditEvents(h: Harness, until: (events: AuditEventMessage[]) => boolean, what: string): Promise<AuditEventMessage[]> {
  const tap = await tapAuditEvents(h);
  try {
    await waitFor(async () => until(tap.events), 60_000, 250, what);
    return tap.events;
  } finally {
    await tap.stop();
  }
}
