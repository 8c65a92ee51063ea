import { Injectable, Logger } from '@nestjs/common';
import { AuditEntryRejectedError } from '@smartgrid/audit';
import { DeadLetterPublisher, DeadLetterSource } from '@smartgrid/kafka';
import { decodeAuditEvent, describeAuditRejection, entryIdForRecord } from './audit-event.decoder';
import { AuditMetrics } from './audit.metrics';
import { AuditService } from './audit.service';

export type AuditEventOutcome = 'stored' | 'duplicate' | 'dead_lettered';

/**
 * One audit-events record: valid ones become audit entries (once per topic/partition/offset,
 * so redelivery is harmless), invalid ones go to `<topic>.dlq` with the reason. Resolves only
 * when the record is durable in PostgreSQL or acknowledged by the dead-letter topic; the
 * caller commits the offset after that. Throws (so the offset stays uncommitted and the
 * record is redelivered) when neither could be done.
 */
@Injectable()
export class AuditEventsService {
  private readonly logger = new Logger('AuditEvents');

  constructor(
    private readonly audit: AuditService,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: AuditMetrics,
  ) {}

  async handle(record: DeadLetterSource): Promise<AuditEventOutcome> {
    const value = typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : record.value;
    const decoded = decodeAuditEvent(value);
    if (!decoded.ok) return this.deadLetter(record, describeAuditRejection(decoded.rejection));
    const { event } = decoded;
    try {
      const written = await this.audit.recordOnce([
        {
          id: entryIdForRecord(record.topic, record.partition, record.offset),
          actor: event.actor,
          action: event.action,
          resource: event.resource,
          occurredAt: event.timestamp,
          origin: 'kafka',
          requestId: `kafka:${record.topic}/${record.partition}/${record.offset}`,
          clientAddress: null,
          details: event.metadata,
        },
      ]);
      const outcome: AuditEventOutcome = written.length > 0 ? 'stored' : 'duplicate';
      this.metrics.eventsConsumed.inc({ outcome });
      return outcome;
    } catch (e) {
      // Refused for good: retrying would block the partition forever, so dead-letter it.
      // Anything else (connection lost, server down) is retried by not committing.
      if (!(e instanceof AuditEntryRejectedError)) throw e;
      return this.deadLetter(record, `store_rejected: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500));
    }
  }

  private async deadLetter(record: DeadLetterSource, reason: string): Promise<AuditEventOutcome> {
    await this.deadLetters.publish(record, reason);
    this.metrics.eventsConsumed.inc({ outcome: 'dead_lettered' });
    this.logger.warn(`${record.topic}/${record.partition}@${record.offset} dead-lettered: ${reason}`);
    return 'dead_lettered';
  }
}
