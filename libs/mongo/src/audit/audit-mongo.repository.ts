import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { AUDIT_MODEL, AuditDocument } from './audit.schema';

export interface AuditDocumentFilter {
  actor?: string;
  action?: string;
  resource?: string;
  /** Inclusive bounds on timestamp. */
  from?: Date;
  to?: Date;
  /** Path inside details (segments) and the value it must hold (text, or the number/boolean it spells). */
  detailsPath?: string[];
  detailsValue?: string;
  beforeSeq?: number;
  limit: number;
}

/** Matches a text query value against a stored string, or the number/boolean it spells. */
function valueVariants(text: string): unknown[] {
  const out: unknown[] = [text];
  if (text.trim() !== '' && Number.isFinite(Number(text))) out.push(Number(text));
  if (text === 'true') out.push(true);
  if (text === 'false') out.push(false);
  if (text === 'null') out.push(null);
  return out;
}

/** MongoDB side of the audit log: idempotent copies and indexed queries. */
@Injectable()
export class AuditMongoRepository {
  constructor(@InjectModel(AUDIT_MODEL) private readonly model: Model<AuditDocument>) {}

  /**
   * Stores each document unless one with its `_id` exists (upsert with $setOnInsert), so
   * replaying the same entries never duplicates them.
   */
  async insertMissing(docs: AuditDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.model.bulkWrite(
      docs.map((d) => {
        const { _id, ...rest } = d;
        return { updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } };
      }),
      { ordered: false },
    );
  }

  /** Newest first. */
  async find(f: AuditDocumentFilter): Promise<AuditDocument[]> {
    const q: QueryFilter<AuditDocument> = {};
    if (f.actor !== undefined) q.actor = f.actor;
    if (f.action !== undefined) q.action = f.action;
    if (f.resource !== undefined) q.resource = f.resource;
    if (f.from !== undefined || f.to !== undefined) {
      q.timestamp = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) };
    }
    if (f.beforeSeq !== undefined) q.seq = { $lt: f.beforeSeq };
    const filter: Record<string, unknown> = { ...q };
    if (f.detailsPath && f.detailsValue !== undefined) {
      filter[['details', ...f.detailsPath].join('.')] = { $in: valueVariants(f.detailsValue) };
    }
    return this.model.find(filter).sort({ seq: -1 }).limit(f.limit).lean<AuditDocument[]>().exec();
  }

  async findBySeq(seq: number): Promise<AuditDocument | null> {
    return this.model.findOne({ seq }).lean<AuditDocument>().exec();
  }

  async maxSeq(): Promise<number> {
    const doc = await this.model.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<Pick<AuditDocument, 'seq'>>().exec();
    return doc?.seq ?? 0;
  }

  async count(filter: Record<string, unknown> = {}): Promise<number> {
    return this.model.countDocuments(filter).exec();
  }

  /** Builds the schema's indexes (again) — for when MongoDB was down at start-up. */
  async ensureIndexes(): Promise<void> {
    await this.model.createCollection().catch(() => undefined);
    await this.model.createIndexes();
  }

  /** True while the driver holds a connection (cheap; no round trip). */
  isConnected(): boolean {
    return this.model.db.readyState === 1;
  }
}
