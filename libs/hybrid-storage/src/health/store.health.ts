import { Inject, Injectable } from '@nestjs/common';
import type { StoreName } from '../domain/readings.model';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from '../hybrid-storage.settings';
import { DownTracker } from './down.tracker';

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
export class StoreHealth extends DownTracker<StoreName> {
  constructor(@Inject(HYBRID_STORAGE_SETTINGS) settings: Pick<HybridStorageSettings, 'downProbeIntervalMs'>) {
    super(settings.downProbeIntervalMs);
  }

  snapshot(): Partial<Record<StoreName, StoreDownState>> {
    return Object.fromEntries([...this.down].map(([k, v]) => [k, { since: v.since, error: v.error }]));
  }
}
