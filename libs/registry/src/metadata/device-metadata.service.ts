import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEVICE_METADATA_INDEX, DeviceMetadataIndex, DeviceState, InboxEntry, MetadataCopy } from '../ports/device-metadata-index.port';
import { DEVICE_METADATA_STORE, DeviceMetadataStore } from '../ports/device-metadata-store.port';
import { RegistryInputError, RegistryNotFoundError, RegistryStoreUnavailableError } from '../registry.errors';
import type { Change } from '../registry.model';
import {
  applyMergePatch,
  checkMetadata,
  DEVICE_ACTOR,
  deviceKey,
  DeviceRef,
  Metadata,
  MetadataDocument,
  MetadataView,
  sameMetadata,
  viewOf,
} from './device-metadata.model';

export interface InboxDrainReport {
  /** Reported changes taken from the inbox. */
  entries: number;
  /** Documents written to MongoDB. */
  documents: number;
}

/**
 * Device metadata: documents in MongoDB (DeviceMetadataStore), one per sensor and meter; a
 * copy of each in the registry (DeviceMetadataIndex) for `meta.<path>` filters.
 *
 * Every writer — PUT, PATCH, and the inbox of changes devices reported in their readings —
 * holds the device's registry row lock while it reads the document, computes the new one,
 * writes it and stores the copy with the document's revision, so writers of one device never
 * interleave, on one instance or several. When MongoDB is down the API answers 503 naming it
 * and the inbox simply waits (ingest keeps recording changes there), so nothing reported is
 * lost. A document last written before its registry row was created belongs to an earlier
 * device with that id (deleted while MongoDB was down) and is ignored.
 */
@Injectable()
export class DeviceMetadataService {
  private readonly logger = new Logger('DeviceMetadata');

  constructor(
    @Inject(DEVICE_METADATA_STORE) private readonly documents: DeviceMetadataStore,
    @Inject(DEVICE_METADATA_INDEX) private readonly index: DeviceMetadataIndex,
  ) {}

  async get(ref: DeviceRef): Promise<MetadataView> {
    this.assertDocumentsAvailable();
    const state = (await this.index.states([ref])).get(deviceKey(ref)) ?? notFound(ref);
    return viewOf(ref, current(await this.documents.get(ref), state));
  }

  /** PUT: the body becomes the metadata. */
  async replace(ref: DeviceRef, body: unknown, actor: string): Promise<Change<MetadataView>> {
    const metadata = checkMetadata(body, 'body');
    return this.write(ref, actor, () => metadata);
  }

  /** PATCH: the body is a JSON merge patch (RFC 7396) applied to the metadata. */
  async patch(ref: DeviceRef, body: unknown, actor: string): Promise<Change<MetadataView>> {
    const patch = checkMetadata(body, 'body');
    return this.write(ref, actor, (metadata) => checkMetadata(applyMergePatch(metadata, patch), 'body'));
  }

  /** Drops a deleted device's document if MongoDB answers (a leftover one is ignored later, see the class comment). */
  async forget(ref: DeviceRef): Promise<void> {
    if (!this.documents.isAvailable()) return;
    await this.documents.delete(ref).catch((err: unknown) => this.logger.warn(`metadata of ${deviceKey(ref)} left in MongoDB: ${String(err)}`));
  }

  /**
   * Applies up to `limit` reported changes from the inbox, oldest first, to the documents.
   * Null when MongoDB is down or another instance is draining. A change whose device no
   * longer exists is dropped.
   */
  async drainInbox(limit: number): Promise<InboxDrainReport | null> {
    if (!this.documents.isAvailable()) return null;
    let documents = 0;
    const drained = await this.index.drainInbox(limit, async (entries, states) => {
      const live = uniqueRefs(entries.map((e) => e.ref)).filter((r) => states.has(deviceKey(r)));
      const stored = new Map((await this.documents.getMany(live)).map((d) => [deviceKey({ kind: d.kind, id: d.deviceId }), d]));
      // Per device: its document as stored, then each reported change merged in order; one write per device.
      const next = new Map<string, { base: MetadataDocument | null; metadata: Metadata; state: DeviceState; ref: DeviceRef }>();
      for (const e of entries) {
        const key = deviceKey(e.ref);
        const state = states.get(key);
        if (!state) continue;
        let item = next.get(key);
        if (!item) {
          const base = current(stored.get(key) ?? null, state);
          item = { base, metadata: base?.metadata ?? {}, state, ref: e.ref };
          next.set(key, item);
        }
        item.metadata = mergeReported(item.metadata, e, this.logger) ?? item.metadata;
      }
      const changed = [...next.values()].filter((i) => !sameMetadata(i.metadata, i.base?.metadata ?? {}));
      const docs: MetadataDocument[] = changed.map((i) => ({
        kind: i.ref.kind,
        deviceId: i.ref.id,
        metadata: i.metadata,
        rev: Math.max(i.base?.rev ?? 0, i.state.rev) + 1,
        updatedAt: i.state.now,
        updatedBy: DEVICE_ACTOR,
      }));
      if (docs.length > 0) await this.documents.putMany(docs);
      documents = docs.length;
      const copies: MetadataCopy[] = docs.map((d) => ({ ref: { kind: d.kind, id: d.deviceId }, metadata: d.metadata, rev: d.rev }));
      return { copies, done: entries.map((e) => e.seq) };
    });
    return drained ? { entries: drained.entries, documents } : null;
  }

  inboxDepth(): Promise<number> {
    return this.index.inboxDepth();
  }

  private async write(ref: DeviceRef, actor: string, compute: (metadata: Metadata) => Metadata): Promise<Change<MetadataView>> {
    this.assertDocumentsAvailable();
    return this.index.withDevicesLocked([ref], async (states) => {
      const state = states.get(deviceKey(ref)) ?? notFound(ref);
      const doc = current(await this.documents.get(ref), state);
      const before = viewOf(ref, doc);
      const metadata = compute(before.metadata);
      if (sameMetadata(metadata, before.metadata)) return { copies: [], result: { before, after: before } };
      const rev = Math.max(doc?.rev ?? 0, state.rev) + 1;
      const written: MetadataDocument = { kind: ref.kind, deviceId: ref.id, metadata, rev, updatedAt: state.now, updatedBy: actor };
      await this.documents.putMany([written]);
      return { copies: [{ ref, metadata, rev }], result: { before, after: viewOf(ref, written) } };
    });
  }

  private assertDocumentsAvailable(): void {
    if (!this.documents.isAvailable()) throw new RegistryStoreUnavailableError('mongodb', 'no connection to the metadata store');
  }
}

/** The device's document, unless it predates the device's registry row. */
function current(doc: MetadataDocument | null, state: DeviceState): MetadataDocument | null {
  return doc && doc.updatedAt.getTime() >= state.registeredAt.getTime() ? doc : null;
}

/** A reported change merged in; null when it cannot be held (logged, dropped: it was validated on ingest, so this is rare). */
function mergeReported(metadata: Metadata, entry: InboxEntry, logger: Logger): Metadata | null {
  try {
    return checkMetadata(applyMergePatch(metadata, entry.patch), 'metadata');
  } catch (err) {
    if (!(err instanceof RegistryInputError)) throw err;
    logger.warn(`reported metadata of ${deviceKey(entry.ref)} not applied: ${err.message}`);
    return null;
  }
}

function uniqueRefs(refs: readonly DeviceRef[]): DeviceRef[] {
  return [...new Map(refs.map((r) => [deviceKey(r), r])).values()];
}

function notFound(ref: DeviceRef): never {
  throw new RegistryNotFoundError(ref.kind, ref.id);
}
