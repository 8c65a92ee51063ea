import type { ChainHead } from './audit-entry';
import { ChainBreak, ChainVerifier } from './audit-chain';
import type { AuditLogStore } from './ports/audit-log-store.port';

export interface ChainVerification {
  head: ChainHead;
  /** The first entry that does not verify, or null when the whole chain does. */
  broken: ChainBreak | null;
  /** Entries checked (all of them when the chain verifies). */
  checked: number;
}

/**
 * Walks the stored chain from one snapshot (head and entries consistent with each other) and
 * returns the first break, if any.
 */
export async function verifyChain(store: AuditLogStore): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  return store.inSnapshot(async (tx) => {
    const head = await store.head(tx);
    for await (const page of store.readInOrder(tx)) {
      for (const entry of page) {
        const broken = verifier.check(entry);
        if (broken) return { head, broken, checked: verifier.checked };
      }
    }
    return { head, broken: verifier.finish(head), checked: verifier.checked };
  });
}
