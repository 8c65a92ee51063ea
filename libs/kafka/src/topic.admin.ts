import { Logger } from '@nestjs/common';
import { Admin } from 'kafkajs';
import { dlqTopic } from './kafka.topics';

const logger = new Logger('KafkaTopics');

/** Every topic to create: each given topic followed by its `.dlq` twin, without duplicates. */
export function withDlqTwins(topics: readonly string[]): string[] {
  return [...new Set(topics.flatMap((t) => [t, dlqTopic(t)]))];
}

/**
 * Creates whichever of the topics are missing (existing ones are left as they are) and
 * waits until every one of them has partition leaders, so producing right away works.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], numPartitions: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions })),
      waitForLeaders: true,
    });
    logger.log(`created ${missing.join(', ')} (${numPartitions} partitions)`);
  }
  if (topics.length > 0) await admin.fetchTopicMetadata({ topics: [...topics] });
  return missing;
}
