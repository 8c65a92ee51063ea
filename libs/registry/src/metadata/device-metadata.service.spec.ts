import type { DeviceMetadataIndex, DeviceState, InboxEntry, LockedWork, MetadataCopy } from '../ports/device-metadata-index.port';
import type { DeviceMetadataStore } from '../ports/device-metadata-store.port';
import { RegistryInputError, RegistryNotFoundError, RegistryStoreUnavailableError } from '../registry.errors';
import { deviceKey, DeviceRef, MetadataDocument } from './device-metadata.model';
import { DeviceMetadataService } from './device-metadata.service';

const T0 = new Date('2026-03-01T00:00:00Z');
const NOW = new Date('2026-03-02T00:00:00Z');

/** Documents in a map; `available` switches the store off. */
class FakeDocuments implements DeviceMetadataStore {
  readonly docs = new Map<string, MetadataDocument>();
  available = true;
  writes = 0;
  isAvailable(): boolean {
    return this.available;
  }
  async get(ref: DeviceRef): Promise<MetadataDocument | null> {
    return this.docs.get(deviceKey(ref)) ?? null;
  }
  async getMany(refs: readonly DeviceRef[]): Promise<MetadataDocument[]> {
    return refs.flatMap((r) => this.docs.get(deviceKey(r)) ?? []);
  }
  async putMany(docs: readonly MetadataDocument[]): Promise<void> {
    this.writes++;
    for (const d of docs) this.docs.set(deviceKey({ kind: d.kind, id: d.deviceId }), d);
  }
  async delete(ref: DeviceRef): Promise<void> {
    this.docs.delete(deviceKey(ref));
  }
}

/** Registry rows and an inbox in memory; copies kept as the PostgreSQL adapter keeps them (newer revisions only). */
class FakeIndex implements DeviceMetadataIndex {
  readonly rows = new Map<string, { ref: DeviceRef; rev: number; registeredAt: Date; copy: Record<string, unknown> }>();
  inbox: InboxEntry[] = [];
  add(ref: DeviceRef, registeredAt = T0): void {
    this.rows.set(deviceKey(ref), { ref, rev: 0, registeredAt, copy: {} });
  }
  async states(refs: readonly DeviceRef[]): Promise<Map<string, DeviceState>> {
    const out = new Map<string, DeviceState>();
    for (const r of refs) {
      const row = this.rows.get(deviceKey(r));
      if (row) out.set(deviceKey(r), { ref: r, rev: row.rev, registeredAt: row.registeredAt, now: NOW });
    }
    return out;
  }
  async withDevicesLocked<T>(refs: readonly DeviceRef[], work: (s: Map<string, DeviceState>) => Promise<LockedWork<T>>): Promise<T> {
    const { copies, result } = await work(await this.states(refs));
    this.store(copies);
    return result;
  }
  async drainInbox(limit: number, work: (e: InboxEntry[], s: Map<string, DeviceState>) => Promise<{ copies: MetadataCopy[]; done: string[] }>) {
    const entries = this.inbox.slice(0, limit);
    const { copies, done } = await work(entries, await this.states(entries.map((e) => e.ref)));
    this.store(copies);
    this.inbox = this.inbox.filter((e) => !done.includes(e.seq));
    return { entries: entries.length, done: done.length };
  }
  async inboxDepth(): Promise<number> {
    return this.inbox.length;
  }
  private store(copies: readonly MetadataCopy[]): void {
    for (const c of copies) {
      const row = this.rows.get(deviceKey(c.ref))!;
      if (row.rev < c.rev) Object.assign(row, { rev: c.rev, copy: c.metadata });
    }
  }
}

describe('DeviceMetadataService', () => {
  const S1: DeviceRef = { kind: 'sensor', id: 'S-1' };
  let docs: FakeDocuments;
  let index: FakeIndex;
  let service: DeviceMetadataService;
  let seq = 0;
  const report = (ref: DeviceRef, patch: Record<string, unknown>) => index.inbox.push({ seq: String(++seq), ref, patch, observedAt: T0 });

  beforeEach(() => {
    docs = new FakeDocuments();
    index = new FakeIndex();
    service = new DeviceMetadataService(docs, index);
    index.add(S1);
  });

  it('applies reported changes in order, one document write per drained batch, and copies the result with its revision', async () => {
    report(S1, { firmware: '2.0', tags: ['a'] });
    report(S1, { firmware: '2.1' });
    report(S1, { tags: null, vendor: { name: 'acme' } });
    expect(await service.drainInbox(10)).toEqual({ entries: 3, documents: 1 });
    expect(docs.docs.get('sensor:S-1')).toMatchObject({ metadata: { firmware: '2.1', vendor: { name: 'acme' } }, rev: 1, updatedBy: 'device', updatedAt: NOW });
    expect(index.rows.get('sensor:S-1')).toMatchObject({ rev: 1, copy: { firmware: '2.1', vendor: { name: 'acme' } } });
    expect(index.inbox).toEqual([]);
  });

  it('drops changes of devices that no longer exist, and writes nothing when a change changes nothing', async () => {
    report({ kind: 'meter', id: 'GONE' }, { a: 1 });
    await service.patch(S1, { firmware: '2.1' }, 'op');
    const writes = docs.writes;
    report(S1, { firmware: '2.1' });
    expect(await service.drainInbox(10)).toEqual({ entries: 2, documents: 0 });
    expect(docs.writes).toBe(writes);
    expect(index.inbox).toEqual([]);
  });

  it('waits (null) while MongoDB is down, keeping the inbox; the API answers unavailable naming MongoDB', async () => {
    report(S1, { firmware: '2.0' });
    docs.available = false;
    expect(await service.drainInbox(10)).toBeNull();
    expect(index.inbox).toHaveLength(1);
    await expect(service.get(S1)).rejects.toBeInstanceOf(RegistryStoreUnavailableError);
    await expect(service.replace(S1, {}, 'op')).rejects.toThrow(/MongoDB/);
  });

  it('ignores a document older than the device row (left by a deleted device with the same id)', async () => {
    docs.docs.set('sensor:S-1', { kind: 'sensor', deviceId: 'S-1', metadata: { stale: true }, rev: 7, updatedAt: new Date('2026-02-01T00:00:00Z'), updatedBy: 'x' });
    expect((await service.get(S1)).metadata).toEqual({});
    const change = await service.patch(S1, { fresh: true }, 'op');
    expect(change.before?.metadata).toEqual({});
    expect(change.after).toMatchObject({ metadata: { fresh: true }, rev: 1 }); // the new device's first revision, written over the old one
  });

  it('PUT replaces, PATCH merges; bad bodies are input errors naming the path; unknown devices not found', async () => {
    await service.replace(S1, { a: { b: 1, c: 2 }, d: [1] }, 'op');
    const patched = await service.patch(S1, { a: { c: null, e: 3 }, d: null }, 'op');
    expect(patched.before?.metadata).toEqual({ a: { b: 1, c: 2 }, d: [1] });
    expect(patched.after?.metadata).toEqual({ a: { b: 1, e: 3 } });
    await expect(service.replace(S1, { 'x.y': 1 }, 'op')).rejects.toMatchObject({ field: 'body.x.y' });
    await expect(service.patch(S1, 'text', 'op')).rejects.toBeInstanceOf(RegistryInputError);
    await expect(service.get({ kind: 'meter', id: 'M-9' })).rejects.toBeInstanceOf(RegistryNotFoundError);
  });
});
