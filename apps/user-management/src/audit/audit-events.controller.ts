import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { DeadLetterSource, TOPICS } from '@smartgrid/kafka';
import { IHeaders } from 'kafkajs';
import { AuditEventsService } from './audit-events.service';

// Nest's Kafka parser keeps the value as bytes (keepBinary) but decodes key and headers to
// strings, or to objects when they look like JSON; turn them back into bytes for the DLQ.
function toBytes(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v;
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
}

function toHeaders(h: Record<string, unknown> | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const bytes = toBytes(v);
    if (bytes) out[k] = bytes;
  }
  return out;
}

/** Thin transport adapter: hand the record over, then commit its offset. */
@Controller()
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @EventPattern(TOPICS.auditEvents)
  async onAuditEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    const message = ctx.getMessage();
    const record: DeadLetterSource = {
      topic: ctx.getTopic(),
      partition: ctx.getPartition(),
      offset: message.offset,
      key: toBytes(message.key),
      value: toBytes(message.value),
      headers: toHeaders(message.headers as Record<string, unknown> | undefined),
    };
    await this.events.handle(record);
    // Only now is the record durable (audit log) or dead-lettered: commit the next offset.
    await ctx.getConsumer().commitOffsets([{ topic: record.topic, partition: record.partition, offset: (BigInt(record.offset) + 1n).toString() }]);
  }
}
