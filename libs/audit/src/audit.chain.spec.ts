import { createHash } from 'node:crypto';
import { AuditEntry } from './audit-entry.model';
import { canonicalEntry, ChainVerifier, entryHash, extendChain, GENESIS_HASH } from './audit.chain';
import { canonicalJson } from './canonical-json.util';

const now = new Date('2026-11-26T10:00:00.123Z');

function chain(n: number): AuditEntry[] {
  return extendChain(
    { lastSeq: 0, lastHash: GENESIS_HASH },
    Array.from({ length: n }, (_, i) => ({ actor: 'alice', action: 'user.created', resource: `user:${i}`, origin: 'api' as const, details: { i } })),
    now,
  );
}

function verify(entries: AuditEntry[], head = { lastSeq: entries.at(-1)?.seq ?? 0, lastHash: entries.at(-1)?.hash ?? GENESIS_HASH }) {
  const v = new ChainVerifier();
  for (const e of entries) {
    const b = v.check(e);
    if (b) return b;
  }
  return v.finish(head);
}

describe('audit chain', () => {
  it('hashes SHA-256 over the previous hash followed by the canonical entry', () => {
    const [e] = chain(1);
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalEntry(e)).digest('hex');
    expect(e.hash).toBe(expected);
    expect(e.prevHash).toBe(GENESIS_HASH);
    expect(canonicalEntry(e)).toBe(
      `{"action":"user.created","actor":"alice","clientAddress":null,"details":{"i":0},"id":"${e.id}","origin":"api",` +
        `"recordedAt":"2026-11-26T10:00:00.123Z","requestId":null,"resource":"user:0","seq":1,"timestamp":"2026-11-26T10:00:00.123Z"}`,
    );
  });

  it('writes the entry exactly as canonicalJson of its named fields', () => {
    for (const e of [...chain(3), { ...chain(1)[0], requestId: 'r-1', clientAddress: '::1', details: { z: [1, { b: 2, a: 1 }], a: 'é' } }]) {
      expect(canonicalEntry(e)).toBe(
        canonicalJson({
          seq: e.seq, id: e.id, timestamp: e.occurredAt.toISOString(), recordedAt: e.recordedAt.toISOString(), actor: e.actor, action: e.action,
          resource: e.resource, origin: e.origin, requestId: e.requestId, clientAddress: e.clientAddress, details: e.details,
        }),
      );
    }
  });

  it('extends an existing head with consecutive seq numbers', () => {
    const first = chain(2);
    const more = extendChain({ lastSeq: 2, lastHash: first[1].hash }, [{ actor: 'b', action: 'x', resource: 'r', origin: 'system' }], now);
    expect(more[0].seq).toBe(3);
    expect(more[0].prevHash).toBe(first[1].hash);
    expect(verify([...first, ...more])).toBeNull();
  });

  it('verifies an untouched chain, including the empty one', () => {
    expect(verify(chain(50))).toBeNull();
    expect(verify([])).toBeNull();
  });

  it('detects a modified entry', () => {
    const c = chain(5);
    c[2] = { ...c[2], actor: 'mallory' };
    expect(verify(c)).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('detects a modified entry whose hash was recomputed, at the next entry', () => {
    const c = chain(5);
    const forged = { ...c[2], details: { i: 99 } };
    c[2] = { ...forged, hash: entryHash(forged.prevHash, forged) };
    expect(verify(c)).toMatchObject({ seq: 4, reason: 'prev_hash_mismatch' });
  });

  it('detects a deleted entry in the middle and at the end', () => {
    const c = chain(5);
    expect(verify([...c.slice(0, 2), ...c.slice(3)])).toMatchObject({ seq: 4, reason: 'sequence_gap' });
    const head = { lastSeq: 5, lastHash: c[4].hash };
    expect(verify(c.slice(0, 4), head)).toMatchObject({ seq: 4, reason: 'head_mismatch' });
  });

  it('detects reordered entries (seq numbers swapped)', () => {
    const c = chain(5);
    const swapped = [c[0], { ...c[2], seq: 2 }, { ...c[1], seq: 3 }, c[3], c[4]];
    expect(verify(swapped)).toMatchObject({ seq: 2, reason: 'prev_hash_mismatch' });
  });

  it('detects an entry appended behind the chain head', () => {
    const c = chain(3);
    const [extra] = extendChain({ lastSeq: 3, lastHash: c[2].hash }, [{ actor: 'x', action: 'y', resource: 'z', origin: 'api' }], now);
    expect(verify([...c, extra], { lastSeq: 3, lastHash: c[2].hash })).toMatchObject({ reason: 'head_mismatch' });
  });
});
