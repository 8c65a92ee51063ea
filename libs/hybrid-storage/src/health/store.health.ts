import { Inject, Injectable } from '@nestjs/common';
import type { StoreName } from '../domain/readings.model';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';

export interface StoreDownState {
  since: Date;
  error: string;
}

/**
 * What this process has recently seen of each store. A write that fails marks its store
 * down; while it is down, writes skip it (its rows go straight to the backlog) instead of
 * each waiting for a timeout, except for one probe every `downProbeIntervalMs`. A successful
 * write, or the replayer's ping, marks it up again.
 */
@Injectable()
export class StoreHealth {
  private readonly down = new Map<StoreName, StoreDownState & { lastProbe: number }>();

  private readonly probeIntervalMs: number;

  constructor(@Inject(HYBRID_STORAGE_SETTINGS) settings: Pick<HybridStorageSettings, 'downProbeIntervalMs'>) {
    this.probeIntervalMs = settings.downProbeIntervalMs;
  }

  markDown(store: StoreName, error: string, now = Date.now()): void {
    const prev = this.down.get(store);
    this.down.set(store, { since: prev?.since ?? new Date(now), error, lastProbe: now });
  }

  markUp(store: StoreName): void {
    this.down.delete(store);
  }

  isDown(store: StoreName): boolean {
    return this.down.has(store);
  }

  /** Whether a write should skip `store` now; returns false once per probe interval (and records the probe). */
  shouldSkip(store: StoreName, now = Date.now()): StoreDownState | undefined {
    const s = this.down.get(store);
    if (!s) return undefined;
    if (now - s.lastProbe >= this.probeIntervalMs) {
      s.lastProbe = now;
      return undefined;
    }
    return { since: s.since, error: s.error };
  }

  snapshot(): Partial<Record<StoreName, StoreDownState>> {
    return Object.fromEntries([...this.down].map(([k, v]) => [k, { since: v.since, error: v.error }]));
  }
}
