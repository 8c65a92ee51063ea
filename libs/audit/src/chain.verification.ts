import type { AuditEntry, ChainHead } from './audit-entry.model';
import { ChainBreak, ChainVerifier } from './audit.chain';
import type { CheckpointChecker } from './checkpoint.model';
import type { AuditLogStore } from './ports/audit-log-store.port';

export interface ChainVerification {
  head: ChainHead;
  /** The first entry that does not verify, or null when the whole chain does. */
  broken: ChainBreak | null;
  /** Entries checked (all of them when the chain verifies). */
  checked: number;
}

export interface VerifyOptions {
  /** The recorded chain head the last entry must match (absent: not checked, e.g. a partial dump). */
  head?: ChainHead;
  /** Signed checkpoints each matching entry must agree with. */
  checkpoints?: CheckpointChecker;
}

/**
 * Walks entries in seq order (pages, as stored) and returns the first break: a link or hash
 * that does not verify, a disagreement with a signed checkpoint, a tail that does not match
 * the recorded head, or a chain that ends before a signed entry.
 */
export async function verifyEntries(
  pages: AsyncIterable<AuditEntry[]> | Iterable<AuditEntry[]>,
  options: VerifyOptions = {},
): Promise<{ broken: ChainBreak | null; checked: number; lastSeq: number; lastHash: string }> {
  const verifier = new ChainVerifier();
  const done = (broken: ChainBreak | null) => ({ broken, checked: verifier.checked, lastSeq: verifier.lastSeq, lastHash: verifier.lastHash });
  for await (const page of pages) {
    for (const entry of page) {
      const broken = verifier.check(entry) ?? options.checkpoints?.check(entry) ?? null;
      if (broken) return done(broken);
    }
  }
  const broken = (options.head ? verifier.finish(options.head) : null) ?? options.checkpoints?.finish(verifier.lastSeq, verifier.lastId) ?? null;
  return done(broken);
}

/**
 * Walks the stored chain from one snapshot (head and entries consistent with each other) and
 * returns the first break, if any.
 */
export async function verifyChain(store: AuditLogStore, options: { checkpoints?: CheckpointChecker } = {}): Promise<ChainVerification> {
  return store.inSnapshot(async (tx) => {
    const head = await store.head(tx);
    const { broken, checked } = await verifyEntries(store.readInOrder(tx), { head, checkpoints: options.checkpoints });
    return { head, broken, checked };
  });
}
