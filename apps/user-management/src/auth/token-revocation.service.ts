import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Transaction } from '@smartgrid/audit';
import { TokenRevocation, TokenRevocationList, UserTokensRevocation } from '@smartgrid/auth';
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
  private running: Promise<void> | null = null;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private stopped = false;

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

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Waits until the outbox is empty (tests). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.backoffMs = 0;
    this.notify();
    while (this.running) await this.running;
  }

  private notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => {
        this.backoffMs = 0;
      })
      .catch((e: unknown) => {
        if (this.backoffMs === 0) this.logger.warn(`publishing token revocations failed, will retry: ${e instanceof Error ? e.message : String(e)}`);
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
      })
      .finally(() => {
        this.running = null;
        if (this.backoffMs > 0) this.schedule(this.backoffMs);
        else if (this.rerun) {
          this.rerun = false;
          this.notify();
        }
      });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.notify(), ms);
    this.timer.unref();
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
