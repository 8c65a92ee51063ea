import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { AuditEntry, ChainHead } from './audit-entry.model';
import type { ChainBreak } from './audit.chain';
import { canonicalJson } from './canonical-json.util';

/**
 * A signed statement "the audit chain had entry `seq` with hash `hash` at `signedAt`", made
 * with an Ed25519 key that only user-management holds. Published outside the databases (a
 * Kafka topic, exports), it lets anyone with the public key detect a chain rewritten after
 * the fact, even when both stores were altered consistently.
 */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  signedAt: Date;
  /** First 16 hex digits of SHA-256 over the public key (SPKI DER): which key signed. */
  keyId: string;
  algorithm: 'Ed25519';
  /** base64 */
  signature: string;
}

/** Domain separation: these bytes are never anything but a checkpoint of this log. */
const CONTEXT = 'smartgrid-audit-checkpoint/v1\n';

/** The signed bytes: the context line, then canonical JSON of the other fields. */
export function checkpointPayload(c: Pick<AuditCheckpoint, 'seq' | 'hash' | 'signedAt' | 'keyId'>): Buffer {
  return Buffer.from(CONTEXT + canonicalJson({ seq: c.seq, hash: c.hash, signedAt: c.signedAt.toISOString(), keyId: c.keyId }), 'utf8');
}

function keyFromText(text: string, kind: 'private' | 'public'): KeyObject {
  const t = text.trim().replace(/\\n/g, '\n');
  const key = t.startsWith('-----BEGIN')
    ? kind === 'private'
      ? createPrivateKey(t)
      : createPublicKey(t)
    : kind === 'private'
      ? createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' })
      : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 ${kind} key (got ${key.asymmetricKeyType ?? 'unknown'})`);
  return key;
}

/** An Ed25519 private key from PEM (PKCS#8) or base64 DER; throws without echoing the key. */
export function parseCheckpointPrivateKey(text: string): KeyObject {
  try {
    return keyFromText(text, 'private');
  } catch (e) {
    throw new Error(`invalid checkpoint private key: ${e instanceof Error && e.message.startsWith('not an') ? e.message : 'expected an Ed25519 key as PKCS#8 PEM or base64 DER'}`);
  }
}

/** An Ed25519 public key from PEM (SPKI) or base64 DER. */
export function parseCheckpointPublicKey(text: string): KeyObject {
  try {
    return keyFromText(text, 'public');
  } catch (e) {
    throw new Error(`invalid checkpoint public key: ${e instanceof Error && e.message.startsWith('not an') ? e.message : 'expected an Ed25519 key as SPKI PEM or base64 DER'}`);
  }
}

/** The public key as base64 SPKI DER (what the API publishes and the offline command takes). */
export function publicKeyText(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ format: 'der', type: 'spki' }).toString('base64');
}

export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(Buffer.from(publicKeyText(key), 'base64')).digest('hex').slice(0, 16);
}

export function signCheckpoint(head: ChainHead, privateKey: KeyObject, now = new Date()): AuditCheckpoint {
  const body = { seq: head.lastSeq, hash: head.lastHash, signedAt: new Date(Math.floor(now.getTime())), keyId: keyIdOf(privateKey) };
  return { ...body, algorithm: 'Ed25519', signature: sign(null, checkpointPayload(body), privateKey).toString('base64') };
}

export function checkpointSignatureValid(c: AuditCheckpoint, publicKey: KeyObject): boolean {
  if (c.algorithm !== 'Ed25519' || c.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, checkpointPayload(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** A checkpoint as JSON (Kafka value, API, export lines) and back. */
export function checkpointToJson(c: AuditCheckpoint): Record<string, unknown> {
  return { seq: c.seq, hash: c.hash, signedAt: c.signedAt.toISOString(), keyId: c.keyId, algorithm: c.algorithm, signature: c.signature };
}

export function checkpointFromJson(v: unknown): AuditCheckpoint | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const signedAt = typeof o.signedAt === 'string' ? new Date(o.signedAt) : null;
  if (
    typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0 ||
    typeof o.hash !== 'string' || !/^[0-9a-f]{64}$/.test(o.hash) ||
    !signedAt || Number.isNaN(signedAt.getTime()) ||
    typeof o.keyId !== 'string' || o.algorithm !== 'Ed25519' || typeof o.signature !== 'string'
  ) {
    return null;
  }
  return { seq: o.seq, hash: o.hash, signedAt, keyId: o.keyId, algorithm: 'Ed25519', signature: o.signature };
}

export interface CheckpointReport {
  /** Checkpoints whose signature verified with the public key. */
  verified: number;
  /** Checkpoints refused: bad signature or another key (forged, or signed by another key). */
  invalid: number;
  /** Valid checkpoints compared with an entry of the chain. */
  matched: number;
  /** The newest valid checkpoint, if any. */
  latestSeq: number | null;
}

/**
 * Compares a chain, entry by entry, with signed checkpoints: each valid checkpoint's entry
 * must carry the signed hash, and the chain must reach the newest one. Only checkpoints whose
 * signature verifies count; the others are reported (an attacker may add forged ones, never
 * valid ones). Feed it the entries in seq order after (or alongside) ChainVerifier.
 */
export class CheckpointChecker {
  private readonly bySeq = new Map<number, AuditCheckpoint[]>();
  readonly report: CheckpointReport = { verified: 0, invalid: 0, matched: 0, latestSeq: null };

  constructor(checkpoints: readonly AuditCheckpoint[], publicKey: KeyObject) {
    for (const c of checkpoints) {
      if (!checkpointSignatureValid(c, publicKey)) {
        this.report.invalid += 1;
        continue;
      }
      this.report.verified += 1;
      this.report.latestSeq = Math.max(this.report.latestSeq ?? 0, c.seq);
      if (c.seq === 0) continue; // signed an empty chain: nothing to compare
      const list = this.bySeq.get(c.seq) ?? [];
      list.push(c);
      this.bySeq.set(c.seq, list);
    }
  }

  check(e: AuditEntry): ChainBreak | null {
    for (const c of this.bySeq.get(e.seq) ?? []) {
      if (c.hash !== e.hash) {
        return {
          seq: e.seq,
          id: e.id,
          reason: 'checkpoint_mismatch',
          message: `entry ${e.seq} differs from the checkpoint signed at ${c.signedAt.toISOString()}: the chain was rewritten up to here`,
          expected: c.hash,
          actual: e.hash,
        };
      }
      this.report.matched += 1;
    }
    return null;
  }

  /** After the last entry: the chain must not end before a signed entry. */
  finish(lastSeq: number, lastId: string | null): ChainBreak | null {
    const latest = this.report.latestSeq;
    if (latest === null || latest <= lastSeq) return null;
    return {
      seq: lastSeq === 0 ? null : lastSeq,
      id: lastId,
      reason: 'checkpoint_mismatch',
      message: `a checkpoint signed entry ${latest} but the chain ends at ${lastSeq}: entries were removed`,
      expected: String(latest),
      actual: String(lastSeq),
    };
  }
}
