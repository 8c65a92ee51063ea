import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appFlags } from '@smartgrid/config';
import { AuditPgRepository } from '@smartgrid/postgres';
import { DataSource, EntityManager } from 'typeorm';
import { extendChain } from './audit-chain';
import { AuditEntry, NewAuditEntry } from './audit-entry';
import { entryToRow, rowToEntry } from './audit-mapping';
import { AuditMetrics } from './audit.metrics';
import { AuditMirrorService } from './audit-mirror.service';

/** A transaction in which state changes and their audit entries commit (or fail) together. */
export interface AuditTransaction {
  manager: EntityManager;
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
  private readonly mirrorEnabled: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pg: AuditPgRepository,
    private readonly mirror: AuditMirrorService,
    private readonly metrics: AuditMetrics,
    @Inject(appFlags.KEY) flags: ConfigType<typeof appFlags>,
  ) {
    this.mirrorEnabled = flags.useMongodbAudit;
  }

  async transaction<T>(work: (tx: AuditTransaction) => Promise<T>): Promise<T> {
    let appended = 0;
    const result = await this.dataSource.transaction(async (manager) =>
      work({
        manager,
        record: async (entries) => {
          const written = await this.append(Array.isArray(entries) ? entries : [entries], manager, false);
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

  private async append(entries: NewAuditEntry[], manager: EntityManager | undefined, skipExisting: boolean): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    const stop = this.metrics.appendSeconds.startTimer();
    const rows = await this.pg.append(
      async (head, m) => {
        let fresh = entries;
        if (skipExisting) {
          const ids = entries.map((e) => e.id).filter((id): id is string => id !== undefined);
          const existing = await this.pg.existingIds(ids, m);
          fresh = entries.filter((e) => e.id === undefined || !existing.has(e.id));
        }
        // The time is taken under the lock, so recordedAt never goes backwards along the chain.
        return extendChain(head, fresh, new Date()).map(entryToRow);
      },
      { manager, enqueueMirror: this.mirrorEnabled },
    );
    stop();
    for (const r of rows) this.metrics.entries.inc({ origin: r.origin });
    return rows.map(rowToEntry);
  }
}
