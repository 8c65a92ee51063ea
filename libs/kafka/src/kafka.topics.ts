/** Logical topic names (the Kafka message contract). Apps add KAFKA_TOPIC_PREFIX, if any. */
export const TOPICS = {
  sensorData: 'sensor-data',
  meterReadings: 'meter-readings',
  auditEvents: 'audit-events',
  gridEvents: 'grid-events',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const DLQ_SUFFIX = '.dlq';

/** The dead-letter twin of a topic: `sensor-data` → `sensor-data.dlq`. */
export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** The topic's name on the broker: the configured prefix followed by the logical name. */
export function prefixedTopic(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}
