import { generateKeyPairSync } from 'node:crypto';
import { extendChain, entryHash, GENESIS_HASH } from './audit.chain';
import type { AuditEntry } from './audit-entry.model';
import { verifyEntries } from './chain.verification';
import {
  CheckpointChecker, checkpointFromJson, checkpointSignatureValid, checkpointToJson, keyIdOf, parseCheckpointPrivateKey, parseCheckpointPublicKey,
  publicKeyText, signCheckpoint,
} from './checkpoint.model';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function chain(n: number, actor = 'alice'): AuditEntry[] {
  return extendChain({ lastSeq: 0, lastHash: GENESIS_HASH }, Array.from({ length: n }, (_, i) => ({ actor, action: `a.${i}`, resource: 'r', origin: 'api' as const })), new Date('2026-11-26T10:00:00Z'));
}

/** What an attacker with the database (and not the key) can do: change an entry and re-hash everything after it. */
function rewrite(entries: AuditEntry[], at: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (const e of entries) {
    const body = { ...e, actor: e.seq === at ? 'mallory' : e.actor, prevHash: prev };
    const hash = entryHash(prev, body);
    out.push({ ...body, hash });
    prev = hash;
  }
  return out;
}

describe('signed audit checkpoints', () => {
  it('signs (seq, hash, time, key id) and verifies with the public key only', () => {
    const entries = chain(3);
    const c = signCheckpoint({ lastSeq: 3, lastHash: entries[2].hash }, privateKey, new Date('2026-11-26T11:00:00.123Z'));
    expect(c).toMatchObject({ seq: 3, hash: entries[2].hash, keyId: keyIdOf(publicKey), algorithm: 'Ed25519' });
    expect(checkpointSignatureValid(c, publicKey)).toBe(true);
    expect(checkpointSignatureValid({ ...c, seq: 2 }, publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...c, hash: entries[1].hash }, publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...c, signedAt: new Date('2026-11-26T11:00:01Z') }, publicKey)).toBe(false);
    expect(checkpointSignatureValid(c, other.publicKey)).toBe(false);
    expect(checkpointFromJson(JSON.parse(JSON.stringify(checkpointToJson(c))))).toEqual(c);
  });

  it('reads keys as PEM or base64 DER and refuses other key types', () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(keyIdOf(parseCheckpointPrivateKey(der))).toBe(keyIdOf(publicKey));
    expect(keyIdOf(parseCheckpointPublicKey(publicKeyText(publicKey)))).toBe(keyIdOf(publicKey));
    expect(keyIdOf(parseCheckpointPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString()))).toBe(keyIdOf(publicKey));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(() => parseCheckpointPrivateKey(rsa)).toThrow(/not an Ed25519/);
    expect(() => parseCheckpointPrivateKey('not a key')).toThrow(/invalid checkpoint private key/);
  });

  it('detects a rewritten chain that verifies on its own, from the checkpoints alone', async () => {
    const original = chain(6);
    const checkpoints = [2, 5].map((seq) => signCheckpoint({ lastSeq: seq, lastHash: original[seq - 1].hash }, privateKey));
    expect((await verifyEntries([original], { checkpoints: new CheckpointChecker(checkpoints, publicKey) })).broken).toBeNull();

    const forged = rewrite(original, 1);
    // Consistent on its own: links and hashes all check out.
    expect((await verifyEntries([forged])).broken).toBeNull();
    const checker = new CheckpointChecker(checkpoints, publicKey);
    const { broken } = await verifyEntries([forged], { checkpoints: checker });
    expect(broken).toMatchObject({ seq: 2, reason: 'checkpoint_mismatch', expected: original[1].hash });

    // A rewrite after the last checkpoint is beyond what it signed (the next checkpoint catches it).
    expect((await verifyEntries([rewrite(original, 6)], { checkpoints: new CheckpointChecker(checkpoints, publicKey) })).broken).toBeNull();
  });

  it('detects entries removed after a checkpoint, and ignores (but counts) checkpoints it cannot verify', async () => {
    const original = chain(5);
    const good = signCheckpoint({ lastSeq: 5, lastHash: original[4].hash }, privateKey);
    const forgedByOtherKey = signCheckpoint({ lastSeq: 3, lastHash: 'f'.repeat(64) }, other.privateKey);
    const checker = new CheckpointChecker([good, forgedByOtherKey, { ...good, seq: 4 }], publicKey);
    expect(checker.report).toMatchObject({ verified: 1, invalid: 2, latestSeq: 5 });
    const { broken } = await verifyEntries([original.slice(0, 3)], { checkpoints: checker });
    expect(broken).toMatchObject({ seq: 3, reason: 'checkpoint_mismatch', expected: '5', actual: '3' });
  });
});
