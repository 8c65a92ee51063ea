import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AuditEntry, AuditFilter, AuditMirrorStore } from '@smartgrid/audit';
import { Model, QueryFilter } from 'mongoose';
import { AuditDocumentMapper } from './audit-document.mapper';
import { AUDIT_MODEL, AuditDocument } from './audit.schema';

/** Matches a text query value against a stored string, or the number/boolean it spells. */
function valueVariants(text: string): unknown[] {
  const out: unknown[] = [text];
  if (text.trim() !== '' && Number.isFinite(Number(text))) out.push(Number(text));
  if (text === 'true') out.push(true);
  if (text === 'false') out.push(false);
  if (text === 'null') out.push(null);
  return out;
}

/** The MongoDB copy of the audit log (AuditMirrorStore): idempotent copies and indexed queries. */
@Injectable()
export class MongoAuditMirrorStore implements AuditMirrorStore {
  constructor(@InjectModel(AUDIT_MODEL) private readonly model: Model<AuditDocument>) {}

  /** Upserts with $setOnInsert keyed by `_id` (the entry id): copying again changes nothing. */
  async insertMissing(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.model.bulkWrite(
      entries.map((e) => {
        const { _id, ...rest } = AuditDocumentMapper.toPersistence(e);
        return { updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } };
      }),
      { ordered: false },
    );
  }

  async find(f: AuditFilter): Promise<AuditEntry[]> {
    const q: QueryFilter<AuditDocument> = {};
    if (f.actor !== undefined) q.actor = f.actor;
    if (f.action !== undefined) q.action = f.action;
    if (f.resource !== undefined) q.resource = f.resource;
    if (f.from !== undefined || f.to !== undefined) {
      q.timestamp = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) };
    }
    if (f.beforeSeq !== undefined || f.fromSeq !== undefined) {
      q.seq = { ...(f.beforeSeq !== undefined ? { $lt: f.beforeSeq } : {}), ...(f.fromSeq !== undefined ? { $gte: f.fromSeq } : {}) };
    }
    const filter: Record<string, unknown> = { ...q };
    if (f.detailsPath && f.detailsValue !== undefined) {
      filter[['details', ...f.detailsPath].join('.')] = { $in: valueVariants(f.detailsValue) };
    }
    const docs = await this.model.find(filter).sort({ seq: -1 }).limit(f.limit).lean<AuditDocument[]>().exec();
    return docs.map(AuditDocumentMapper.toDomain);
  }

  async findBySeq(seq: number): Promise<AuditEntry | null> {
    const doc = await this.model.findOne({ seq }).lean<AuditDocument>().exec();
    return doc ? AuditDocumentMapper.toDomain(doc) : null;
  }

  async maxSeq(): Promise<number> {
    const doc = await this.model.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<Pick<AuditDocument, 'seq'>>().exec();
    return doc?.seq ?? 0;
  }

  async ensureIndexes(): Promise<void> {
    // The collection may exist already (another instance created it): that is fine.
    await this.model.createCollection().catch(() => undefined);
    await this.model.createIndexes();
  }

  isConnected(): boolean {
    return this.model.db.readyState === 1;
  }
}
