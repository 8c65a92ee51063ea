import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** Details a probe adds to its `up` entry (the version, the broker count…). */
export type ProbeDetails = Record<string, unknown>;

/**
 * A store's health indicator (terminus' HealthIndicatorService, not the deprecated base
 * class): up with what `probe` returns, down with the error it throws or once `timeoutMs`
 * passes, so a hung store never hangs /health/ready. `defaultKey` is the entry's name when
 * the caller gives none.
 */
export abstract class StoreHealthIndicator<DefaultKey extends string> {
  protected constructor(
    private readonly health: HealthIndicatorService,
    private readonly defaultKey: DefaultKey,
    protected readonly timeoutMs: number,
  ) {}

  async isHealthy<const Key extends string = DefaultKey>(key: Key = this.defaultKey as string as Key): Promise<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(() => this.probe())
      .withTimeout(this.timeoutMs);
  }

  /** One round trip to the store; throws when it cannot answer. */
  protected abstract probe(): Promise<ProbeDetails | void>;
}
