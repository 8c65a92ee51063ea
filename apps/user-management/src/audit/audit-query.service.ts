import { Inject, Injectable, Logger, Optional, ServiceUnavailableException } from '@nestjs/common';
import { AUDIT_LOG_STORE, AUDIT_MIRROR_STORE, auditAction, AuditEntry, AuditFilter, AuditLogStore, AuditMirrorStore, AuditSource } from '@smartgrid/audit';
import { InvalidInputException } from '@smartgrid/http';
import { AuditEntryView, AuditPage, AuditQueryDto } from './audit-query.dto';
import { AuditMetrics } from './audit.metrics';
import { AuditMirrorService } from './audit-mirror.service';

const DEFAULT_LIMIT = 50;
const MONGO_READ_TIMEOUT_MS = 3000;

/** The entry as the API shows it: `timestamp` is when it happened, dates as ISO text. */
function view(e: AuditEntry, source: AuditSource): AuditEntryView {
  const timestamp = e.occurredAt.toISOString();
  return { seq: e.seq, id: e.id, timestamp, recordedAt: e.recordedAt.toISOString(), ...auditAction(e), prevHash: e.prevHash, hash: e.hash, source };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`MongoDB did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Audit log queries. MongoDB serves them (indexed, free-form metadata); entries it does not
 * hold yet (still in the mirror backlog) come from PostgreSQL, and when MongoDB is down or
 * slow everything does. Each entry says which store it came from.
 */
@Injectable()
export class AuditQueryService {
  private readonly logger = new Logger('AuditQuery');

  constructor(
    @Inject(AUDIT_LOG_STORE) private readonly pg: AuditLogStore,
    private readonly mirror: AuditMirrorService,
    private readonly metrics: AuditMetrics,
    // Bound only when USE_MONGODB_AUDIT is on; without it every query is served by PostgreSQL.
    @Optional() @Inject(AUDIT_MIRROR_STORE) private readonly mongo?: AuditMirrorStore,
  ) {}

  async query(q: AuditQueryDto): Promise<AuditPage> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const filter = this.toFilter(q, limit + 1);
    const mode = q.source ?? 'auto';
    let found: { entry: AuditEntry; source: AuditSource }[];
    if (mode === 'postgres' || !this.mongo) {
      found = await this.fromPostgres(filter);
    } else if (mode === 'mongodb') {
      try {
        found = await this.fromMongo(filter);
      } catch (e) {
        throw new ServiceUnavailableException(`MongoDB is unavailable: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      found = await this.auto(filter);
    }
    const page = found.slice(0, limit);
    const sources = new Set(page.map((f) => f.source));
    for (const s of sources) this.metrics.queries.inc({ source: s });
    return {
      items: page.map((f) => view(f.entry, f.source)),
      nextCursor: found.length > limit ? String(page[page.length - 1].entry.seq) : null,
      source: sources.size > 1 ? 'mixed' : (([...sources][0] ?? (mode === 'postgres' || !this.mongo ? 'postgres' : 'mongodb')) as AuditSource),
    };
  }

  private async auto(filter: AuditFilter): Promise<{ entry: AuditEntry; source: AuditSource }[]> {
    // Disconnected, failing to write, or not caught up since start-up: do not make the caller
    // wait for a timeout, nor miss entries MongoDB does not hold yet.
    if (!this.mongo?.isConnected() || !this.mirror.readyForQueries) return this.fromPostgres(filter);
    try {
      // Every entry below the oldest pending one is in MongoDB; the rest is read from PostgreSQL.
      const pending = await this.pg.oldestPendingSeq();
      if (pending === null) return await this.fromMongo(filter);
      const below = filter.beforeSeq === undefined ? pending : Math.min(filter.beforeSeq, pending);
      const [fresh, mirrored] = await Promise.all([
        filter.beforeSeq !== undefined && filter.beforeSeq <= pending ? Promise.resolve([]) : this.fromPostgres({ ...filter, fromSeq: pending }),
        this.fromMongo({ ...filter, beforeSeq: below }),
      ]);
      return [...fresh, ...mirrored].sort((a, b) => b.entry.seq - a.entry.seq);
    } catch (e) {
      this.logger.warn(`MongoDB query failed, answering from PostgreSQL: ${e instanceof Error ? e.message : String(e)}`);
      return this.fromPostgres(filter);
    }
  }

  private async fromPostgres(filter: AuditFilter): Promise<{ entry: AuditEntry; source: AuditSource }[]> {
    return (await this.pg.find(filter)).map((entry) => ({ entry, source: 'postgres' as const }));
  }

  private async fromMongo(filter: AuditFilter): Promise<{ entry: AuditEntry; source: AuditSource }[]> {
    if (!this.mongo) throw new Error('the MongoDB copy is switched off (USE_MONGODB_AUDIT=false)');
    return (await withTimeout(this.mongo.find(filter), MONGO_READ_TIMEOUT_MS)).map((entry) => ({ entry, source: 'mongodb' as const }));
  }

  private toFilter(q: AuditQueryDto, limit: number): AuditFilter {
    if ((q.metaPath === undefined) !== (q.metaValue === undefined)) {
      const field = q.metaPath === undefined ? 'metaPath' : 'metaValue';
      throw new InvalidInputException([{ field, message: 'metaPath and metaValue must be given together' }]);
    }
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) throw new InvalidInputException([{ field: 'from', message: 'from must not be after to' }]);
    return {
      actor: q.actor,
      action: q.action,
      resource: q.resource,
      from,
      to,
      detailsPath: q.metaPath?.split('.'),
      detailsValue: q.metaValue,
      beforeSeq: q.cursor ? Number(q.cursor) : undefined,
      limit,
    };
  }
}
