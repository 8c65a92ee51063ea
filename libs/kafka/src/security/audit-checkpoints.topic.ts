import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AuditCheckpoint, checkpointFromJson, checkpointToJson } from '@smartgrid/audit';
import { kafkaConfig } from '@smartgrid/config';
import { Admin, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KAFKA_ADMIN, KAFKA_PRODUCER } from '../kafka.constants';
import { prefixedTopic } from '../kafka.topics';
import { ensureConfiguredTopic, TopicSpec } from './configured.topic';

/** Logical name of the topic (KAFKA_TOPIC_PREFIX is added). */
export const AUDIT_CHECKPOINTS_TOPIC = 'audit-checkpoints';

/**
 * One partition (checkpoints in the order they were signed), kept forever: this topic is the
 * copy of the chain heads outside both databases, so it is never compacted nor expired.
 */
export function auditCheckpointsTopic(prefix: string): TopicSpec {
  return {
    topic: prefixedTopic(prefix, AUDIT_CHECKPOINTS_TOPIC),
    numPartitions: 1,
    configEntries: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' },
  };
}

/** Publishes signed checkpoints (acks from all in-sync replicas); creates the topic on first use. */
@Injectable()
export class AuditCheckpointsPublisher {
  private ready: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(kafkaConfig.KEY) private readonly cfg: ConfigType<typeof kafkaConfig>,
  ) {}

  async publish(checkpoint: AuditCheckpoint): Promise<void> {
    const spec = auditCheckpointsTopic(this.cfg.topicPrefix);
    this.ready ??= ensureConfiguredTopic(this.admin, spec).catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    await this.ready;
    await this.producer.send({
      topic: spec.topic,
      acks: -1,
      messages: [{ key: `seq:${checkpoint.seq}`, value: JSON.stringify(checkpointToJson(checkpoint)) }],
    });
  }
}

/**
 * Every checkpoint on the topic, oldest first, read to its current end with a throw-away
 * consumer group (for the offline verifier). Records that are not checkpoints are counted,
 * not returned.
 */
export async function readAuditCheckpoints(kafka: Kafka, prefix: string, timeoutMs = 60_000): Promise<{ checkpoints: AuditCheckpoint[]; unreadable: number }> {
  const topic = auditCheckpointsTopic(prefix).topic;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return { checkpoints: [], unreadable: 0 };
    ends = new Map((await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
  } finally {
    await admin.disconnect();
  }
  const checkpoints: AuditCheckpoint[] = [];
  let unreadable = 0;
  if (ends.size === 0) return { checkpoints, unreadable };
  const groupId = `${prefix}smartgrid-checkpoint-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        let parsed: AuditCheckpoint | null = null;
        try {
          parsed = checkpointFromJson(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        } catch {
          parsed = null;
        }
        if (parsed) checkpoints.push(parsed);
        else unreadable += 1;
        const end = ends.get(partition);
        if (end !== undefined && BigInt(message.offset) >= end) {
          ends.delete(partition);
          if (ends.size === 0) done();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { checkpoints, unreadable };
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
}
