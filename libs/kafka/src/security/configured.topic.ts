import { Admin } from 'kafkajs';

export interface TopicSpec {
  /** The broker name (prefix included). */
  topic: string;
  numPartitions: number;
  /** Kafka topic configs, e.g. { 'cleanup.policy': 'compact' }. */
  configEntries: Record<string, string>;
}

/**
 * Creates a topic with its own settings if it does not exist (existing topics are left as
 * they are). Two instances starting together may both try: "already exists" is success.
 */
export async function ensureConfiguredTopic(admin: Admin, spec: TopicSpec): Promise<void> {
  if ((await admin.listTopics()).includes(spec.topic)) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          configEntries: Object.entries(spec.configEntries).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } catch (e) {
    const type = (e as { type?: string; errors?: { type?: string }[] }) ?? {};
    const exists = type.type === 'TOPIC_ALREADY_EXISTS' || (type.errors ?? []).some((x) => x.type === 'TOPIC_ALREADY_EXISTS');
    if (!exists) throw e;
  }
  await admin.fetchTopicMetadata({ topics: [spec.topic] });
}
