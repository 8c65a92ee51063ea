import { Inject, Injectable } from '@nestjs/common';
import { IHeaders, Message, Producer } from 'kafkajs';
import { KAFKA_PRODUCER } from './kafka.constants';
import { dlqTopic } from './kafka.topics';

/** A consumed record as it came off the broker (topic is the real, prefixed name). */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  sourceTopic: 'x-source-topic',
  sourcePartition: 'x-source-partition',
  sourceOffset: 'x-source-offset',
  failedAt: 'x-failed-at',
} as const;

/**
 * The dead letter of a record that cannot be processed: same key, same value bytes, the
 * original headers kept, plus headers that say why and where it came from. It goes to
 * `<topic>.dlq` (dlqTopic).
 */
export function deadLetterMessage(original: DeadLetterSource, reason: string, failedAt: Date = new Date()): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...(original.headers ?? {}),
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.sourceTopic]: original.topic,
      [DLQ_HEADERS.sourcePartition]: String(original.partition),
      [DLQ_HEADERS.sourceOffset]: String(original.offset),
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

/**
 * Sends dead letters on its own (for consumers that commit per message). Resolves once the
 * broker has acknowledged them (acks=all), so the caller may then commit the offset. Batch
 * consumers return their dead letters as side outputs instead, produced in one transaction
 * with the offset commit (BatchKafkaServer).
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: Producer) {}

  async publish(original: DeadLetterSource, reason: string): Promise<void> {
    await this.producer.send({ topic: dlqTopic(original.topic), acks: -1, messages: [deadLetterMessage(original, reason)] });
  }
}
