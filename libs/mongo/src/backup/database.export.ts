import { createHash } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import mongoose from 'mongoose';
import { join } from 'path';
import { createInterface } from 'readline';

/** One exported collection: its file (canonical Extended JSON, one document a line), documents and sha-256. */
export interface ExportedCollection {
  file: string;
  documents: number;
  sha256: string;
  /** Index definitions other than _id, rebuilt on restore. */
  indexes: { key: Record<string, unknown>; name: string; unique?: boolean; expireAfterSeconds?: number; partialFilterExpression?: unknown; sparse?: boolean }[];
}

const { EJSON } = mongoose.mongo.BSON;

async function open(uri: string): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  await conn.asPromise();
  return conn;
}

async function collections(conn: mongoose.Connection): Promise<string[]> {
  const list = await conn.db!.listCollections({}, { nameOnly: true }).toArray();
  return list.map((c) => c.name).filter((n) => !n.startsWith('system.')).sort();
}

/**
 * Exports the collections of the database through the driver as canonical Extended JSON
 * (types kept: ObjectId, dates, 64-bit integers, decimals), with their secondary indexes: all
 * of them, or those `only` names, or all but those `except` names.
 */
export async function exportMongoDatabase(
  uri: string,
  dir: string,
  onProgress?: (collection: string, docs: number) => void,
  select: { only?: readonly string[]; except?: readonly string[] } = {},
): Promise<Record<string, ExportedCollection>> {
  const conn = await open(uri);
  try {
    const out: Record<string, ExportedCollection> = {};
    const names = (await collections(conn)).filter((n) => (!select.only || select.only.includes(n)) && !select.except?.includes(n));
    for (const name of names) {
      const file = `${name}.ejson`;
      const stream = createWriteStream(join(dir, file));
      const hash = createHash('sha256');
      let documents = 0;
      for await (const doc of conn.db!.collection(name).find({}, { sort: { _id: 1 } })) {
        const line = `${EJSON.stringify(doc, { relaxed: false })}\n`;
        hash.update(line);
        if (!stream.write(line)) await new Promise<void>((r) => stream.once('drain', () => r()));
        if (++documents % 10_000 === 0) onProgress?.(name, documents);
      }
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const indexes = (await conn.db!.collection(name).indexes())
        .filter((i) => i.name !== '_id_')
        .map((i) => ({
          key: i.key as Record<string, unknown>,
          name: i.name!,
          ...(i.unique ? { unique: true } : {}),
          ...(i.sparse ? { sparse: true } : {}),
          ...(i.expireAfterSeconds !== undefined ? { expireAfterSeconds: i.expireAfterSeconds } : {}),
          ...(i.partialFilterExpression ? { partialFilterExpression: i.partialFilterExpression } : {}),
        }));
      onProgress?.(name, documents);
      out[name] = { file, documents, sha256: hash.digest('hex'), indexes };
    }
    return out;
  } finally {
    await conn.close();
  }
}

/** Collections holding at least one document. */
export async function nonEmptyCollections(uri: string): Promise<string[]> {
  const conn = await open(uri);
  try {
    const out: string[] = [];
    for (const name of await collections(conn)) if ((await conn.db!.collection(name).findOne({})) !== null) out.push(name);
    return out;
  } finally {
    await conn.close();
  }
}

/** Loads an export: each collection dropped first when `replace`, indexes rebuilt, documents inserted in batches. */
export async function importMongoDatabase(
  uri: string,
  dir: string,
  exported: Record<string, ExportedCollection>,
  opts: { replace: boolean },
  onProgress?: (collection: string, docs: number) => void,
): Promise<Record<string, number>> {
  const conn = await open(uri);
  try {
    const loaded: Record<string, number> = {};
    const existing = new Set(await collections(conn));
    for (const [name, c] of Object.entries(exported)) {
      if (opts.replace && existing.has(name)) await conn.db!.collection(name).drop();
      // Created up front: an empty collection is part of the backup too (no insert would create it).
      if (!existing.has(name) || opts.replace) await conn.db!.createCollection(name);
      const coll = conn.db!.collection(name);
      let batch: Record<string, unknown>[] = [];
      let documents = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await coll.insertMany(batch, { ordered: false });
        batch = [];
      };
      const lines = createInterface({ input: createReadStream(join(dir, c.file), { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const text of lines) {
        if (!text) continue;
        batch.push(EJSON.parse(text, { relaxed: false }) as Record<string, unknown>);
        documents++;
        if (batch.length >= 1000) {
          await flush();
          onProgress?.(name, documents);
        }
      }
      await flush();
      for (const i of c.indexes) {
        const { key, ...options } = i;
        await coll.createIndex(key as Record<string, 1 | -1>, options as Record<string, unknown>);
      }
      onProgress?.(name, documents);
      loaded[name] = documents;
    }
    return loaded;
  } finally {
    await conn.close();
  }
}

/** Documents per collection now. */
export async function mongoCounts(uri: string): Promise<Record<string, number>> {
  const conn = await open(uri);
  try {
    const out: Record<string, number> = {};
    for (const name of await collections(conn)) out[name] = await conn.db!.collection(name).countDocuments();
    return out;
  } finally {
    await conn.close();
  }
}
