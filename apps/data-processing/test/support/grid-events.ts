import type { GridEventWire } from '@smartgrid/events';
import { Consumer, Kafka } from 'kafkajs';

/** A `grid-events` message as the contract defines it. */
export type WireEvent = GridEventWire;

export interface GridEventsTap {
  /** Every committed grid event read so far, with its message key. */
  events: (WireEvent & { key: string | null })[];
  stop(): Promise<void>;
}

/** Reads `grid-events` from the beginning (read_committed, a group of its own) until stopped. */
export async function tapGridEvents(kafka: Kafka, topic: string, groupId: string): Promise<GridEventsTap> {
  const consumer: Consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  const events: GridEventsTap['events'] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      events.push({ ...(JSON.parse(message.value!.toString('utf8')) as WireEvent), key: message.key?.toString('utf8') ?? null });
    },
  });
  return { events, stop: () => consumer.disconnect() };
}

/** The topic's end offset (sum over partitions): unchanged means nothing was appended. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

/** Whether the app's ingest group has committed everything produced to `topic`. */
export async function caughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return high.every((p) => {
      const c = committed!.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
      return p.high === '0' || c === p.high;
    });
  } finally {
    await admin.disconnect();
  }
}
