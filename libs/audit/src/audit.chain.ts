import { createHash, randomUUID } from 'node:crypto';
import { auditAction, AuditEntry, ChainHead, NewAuditEntry } from './audit-entry.model';
import { canonicalJson } from './canonical-json.util';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hashed content of an entry: every stored field except prev_hash and hash themselves,
 * under fixed names, timestamps as ISO-8601 UTC with milliseconds.
 */
export function canonicalEntry(e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  // Equal to canonicalJson({ seq, id, timestamp, recordedAt, actor, action, resource, origin,
  // requestId, clientAddress, details }) (a unit test holds them together), written out in
  // sorted key order because verification runs it once per stored entry.
  const s = JSON.stringify;
  return (
    `{"action":${s(e.action)},"actor":${s(e.actor)},"clientAddress":${s(e.clientAddress)},` +
    `"details":${canonicalJson(e.details)},"id":${s(e.id)},"origin":${s(e.origin)},` +
    `"recordedAt":${s(e.recordedAt.toISOString())},"requestId":${s(e.requestId)},"resource":${s(e.resource)},` +
    `"seq":${canonicalJson(e.seq)},"timestamp":${s(e.occurredAt.toISOString())}}`
  );
}

/** hash = SHA-256(prev_hash || canonical(entry)), hex; prev_hash as its 64 hex characters. */
export function entryHash(prevHash: string, e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalEntry(e), 'utf8').digest('hex');
}

/** Stored timestamps keep milliseconds, so entries are built at that precision. */
function toMillis(d: Date): Date {
  return new Date(Math.floor(d.getTime()));
}

/** Links new entries onto the chain head: consecutive seq numbers, each hashed over the last. */
export function extendChain(head: ChainHead, entries: NewAuditEntry[], now = new Date()): AuditEntry[] {
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const recordedAt = toMillis(now);
  return entries.map((n) => {
    seq += 1;
    const body = {
      seq,
      id: n.id ?? randomUUID(),
      occurredAt: toMillis(n.occurredAt ?? recordedAt),
      recordedAt,
      ...auditAction(n),
    };
    const hash = entryHash(prevHash, body);
    const entry: AuditEntry = { ...body, prevHash, hash };
    prevHash = hash;
    return entry;
  });
}

export type ChainBreakReason =
  | 'sequence_gap'
  | 'sequence_disorder'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  /** The chain verifies alone but disagrees with its MongoDB copy. */
  | 'anchor_mismatch'
  /** The chain disagrees with a signed checkpoint (rewritten), or ends before a signed entry. */
  | 'checkpoint_mismatch';

export interface ChainBreak {
  /** The first entry that does not verify (for head_mismatch: the last entry found, if any). */
  seq: number | null;
  id: string | null;
  reason: ChainBreakReason;
  message: string;
  expected?: string;
  actual?: string;
}

/**
 * Walks the chain in seq order and reports the first break. Each entry must carry the next
 * seq number, link to the previous entry's hash, and hash to its stored hash; at the end the
 * last entry must be the chain head recorded by the database.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private lastEntryId: string | null = null;
  checked = 0;

  check(e: AuditEntry): ChainBreak | null {
    if (e.seq !== this.expectedSeq) {
      return e.seq > this.expectedSeq
        ? {
            seq: e.seq,
            id: e.id,
            reason: 'sequence_gap',
            message: `entries ${this.expectedSeq}..${e.seq - 1} are missing before entry ${e.seq}`,
            expected: String(this.expectedSeq),
            actual: String(e.seq),
          }
        : {
            seq: e.seq,
            id: e.id,
            reason: 'sequence_disorder',
            message: `entry ${e.seq} appears where entry ${this.expectedSeq} belongs`,
            expected: String(this.expectedSeq),
            actual: String(e.seq),
          };
    }
    if (e.prevHash !== this.prevHash) {
      return {
        seq: e.seq,
        id: e.id,
        reason: 'prev_hash_mismatch',
        message:
          e.seq === 1
            ? 'the first entry does not start from the genesis hash'
            : `entry ${e.seq} does not link to entry ${e.seq - 1}: that entry was altered (and re-hashed), replaced, or entries were inserted, removed or reordered`,
        expected: this.prevHash,
        actual: e.prevHash,
      };
    }
    const recomputed = entryHash(e.prevHash, e);
    if (recomputed !== e.hash) {
      return {
        seq: e.seq,
        id: e.id,
        reason: 'hash_mismatch',
        message: `entry ${e.seq}'s content does not match its hash: it was modified after it was written`,
        expected: recomputed,
        actual: e.hash,
      };
    }
    this.expectedSeq += 1;
    this.prevHash = e.hash;
    this.lastEntryId = e.id;
    this.checked += 1;
    return null;
  }

  /** The last verified entry must be the recorded head; otherwise the tail was cut or extended. */
  finish(head: ChainHead): ChainBreak | null {
    const lastSeq = this.expectedSeq - 1;
    if (head.lastSeq === lastSeq && head.lastHash === this.prevHash) return null;
    return {
      seq: lastSeq === 0 ? null : lastSeq,
      id: this.lastEntryId,
      reason: 'head_mismatch',
      message:
        head.lastSeq > lastSeq
          ? `the chain head records ${head.lastSeq} entries but only ${lastSeq} are present: entries after ${lastSeq} were removed`
          : head.lastSeq < lastSeq
            ? `the chain ends at entry ${lastSeq} but the recorded head is entry ${head.lastSeq}: entries were appended outside the chain`
            : `entry ${lastSeq}'s hash differs from the recorded head: the chain was rewritten`,
      expected: `${head.lastSeq}:${head.lastHash}`,
      actual: `${lastSeq}:${this.prevHash}`,
    };
  }

  get lastSeq(): number {
    return this.expectedSeq - 1;
  }

  get lastHash(): string {
    return this.prevHash;
  }

  /** Id of the last verified entry (null before the first). */
  get lastId(): string | null {
    return this.lastEntryId;
  }
}
