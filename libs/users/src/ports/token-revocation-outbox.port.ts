import type { Transaction } from '@smartgrid/audit';
import type { TokenRevocation } from '@smartgrid/auth';

/**
 * Revocations waiting to be published (Kafka `token-revocations`), kept in the same store and
 * transaction as the user change that causes them: a committed change always gets its
 * revocation out, and a rolled-back one never does.
 */
export interface TokenRevocationOutbox {
  add(revocations: readonly TokenRevocation[], tx: Transaction): Promise<void>;
  /** The oldest waiting revocations. */
  batch(limit: number): Promise<{ id: number; revocation: TokenRevocation }[]>;
  remove(ids: readonly number[]): Promise<void>;
}

/** DI token of the TokenRevocationOutbox. */
export const TOKEN_REVOCATION_OUTBOX = Symbol('TOKEN_REVOCATION_OUTBOX');
