import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Transaction } from '@smartgrid/audit';
import { TokenRevocation, TokenRevocationList, UserTokensRevocation } from '@smartgrid/auth';
import { DrainLoop } from '@smartgrid/hybrid-storage';
import { TokenRevocationsPublisher } from '@smartgrid/kafka';
import { TOKEN_REVOCATION_OUTBOX, TokenRevocationOutbox, User } from '@smartgrid/users';

const BATCH = 100;
const MAX_BACKOFF_MS = 30_000;

/** "Every token of this user issued before now is void": the next version is the new minimum. */
export function userRevocation(user: Pick<User, 'id' | 'tokenVersion'>, reason: string): UserTokensRevocation {
  return { kind: 'user', userId: user.id, minTokenVersion: user.tokenVersion + 1, reason, revokedAt: new Date().toISOString() };
}

/**
 * Revocations from user-management to every instance of both apps. `add` writes them in the
 * transaction of the change that causes them (outbox); once it has committed, `committed`
 * applies them on this instance at once and asks for a drain, which publishes the outbox on
 * Kafka `token-revocations` (the other instances read it within moments) and removes what was
 * acknowledged. Kafka down: the outbox waits and is retried with back-off; nothing is lost.
 */
@Injectable()
export class TokenRevocationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TokenRevocations');
  private readonly loop = new DrainLoop({
    drain: () => this.drain(),
    backoff: { initialMs: 1000, maxMs: MAX_BACKOFF_MS },
    failed: (e, first) => {
      if (first) this.logger.warn(`publishing token revocations failed, will retry: ${e instanceof Error ? e.message : String(e)}`);
    },
  });

  constructor(
    @Inject(TOKEN_REVOCATION_OUTBOX) private readonly outbox: TokenRevocationOutbox,
    private readonly publisher: TokenRevocationsPublisher,
    private readonly list: TokenRevocationList,
  ) {}

  add(tx: Transaction, revocations: readonly TokenRevocation[]): Promise<void> {
    return this.outbox.add(revocations, tx);
  }

  committed(revocations: readonly TokenRevocation[]): void {
    if (revocations.length === 0) return;
    for (const r of revocations) this.list.apply(r);
    this.notify();
  }

  /** Publishes what a crash or an outage left in the outbox. */
  onApplicationBootstrap(): void {
    this.notify();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** Waits until the outbox is empty (tests). */
  flush(): Promise<void> {
    return this.loop.flush();
  }

  private notify(): void {
    this.loop.notify();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.outbox.batch(BATCH);
      if (batch.length === 0) return;
      await this.publisher.publish(batch.map((b) => b.revocation));
      await this.outbox.remove(batch.map((b) => b.id));
    }
  }
}
