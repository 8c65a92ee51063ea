import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_LOG_STORE, AuditEntry, AuditLogStore, extendChain, NewAuditEntry, Transaction } from '@smartgrid/audit';
import { AuditMetrics } from './audit.metrics';
import { AuditMirrorService } from './audit-mirror.service';

/** A transaction in which state changes and their audit entries commit (or fail) together. */
export interface AuditedTransaction {
  /** Hand to repositories of the audit log's store, so their changes join this transaction. */
  tx: Transaction;
  /** Appends entries to the chain; call it last, the chain stays locked until commit. */
  record(entries: NewAuditEntry | NewAuditEntry[]): Promise<AuditEntry[]>;
}

/**
 * Writes audit entries: PostgreSQL first, in the caller's transaction when there is one (the
 * durable, hash-chained record), then MongoDB through the mirror once the transaction has
 * committed (a backlog row, written in the same transaction, guarantees the copy).
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(AUDIT_LOG_STORE) private readonly log: AuditLogStore,
    private readonly mirror: AuditMirrorService,
    private readonly metrics: AuditMetrics,
  ) {}

  async transaction<T>(work: (tx: AuditedTransaction) => Promise<T>): Promise<T> {
    let appended = 0;
    const result = await this.log.transaction(async (tx) =>
      work({
        tx,
        record: async (entries) => {
          const written = await this.append(Array.isArray(entries) ? entries : [entries], tx, false);
          appended += written.length;
          return written;
        },
      }),
    );
    if (appended > 0) this.mirror.notify();
    return result;
  }

  /** Appends in a transaction of its own. */
  async record(entries: NewAuditEntry | NewAuditEntry[]): Promise<AuditEntry[]> {
    const written = await this.append(Array.isArray(entries) ? entries : [entries], undefined, false);
    if (written.length > 0) this.mirror.notify();
    return written;
  }

  /**
   * Appends the entries whose ids are not stored yet, so a redelivered Kafka message (same
   * derived id) is recorded once. Returns only the entries written now.
   */
  async recordOnce(entries: NewAuditEntry[]): Promise<AuditEntry[]> {
    const written = await this.append(entries, undefined, true);
    if (written.length > 0) this.mirror.notify();
    return written;
  }

  private async append(entries: NewAuditEntry[], tx: Transaction | undefined, skipExisting: boolean): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    const stop = this.metrics.appendSeconds.startTimer();
    const written = await this.log.append(
      async (head, locked) => {
        let fresh = entries;
        if (skipExisting) {
          const ids = entries.map((e) => e.id).filter((id): id is string => id !== undefined);
          const existing = await this.log.existingIds(ids, locked);
          fresh = entries.filter((e) => e.id === undefined || !existing.has(e.id));
        }
        // The time is taken under the lock, so recordedAt never goes backwards along the chain.
        return extendChain(head, fresh, new Date());
      },
      { tx, enqueueMirror: this.mirror.enabled },
    );
    stop();
    for (const e of written) this.metrics.entries.inc({ origin: e.origin });
    return written;
  }
}
