import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DrainLoop, messageOf } from '@smartgrid/hybrid-storage';
import { DeviceMetadataService, METERS_STORE, MetersStore, PendingMismatch, REGISTRY_EVENT_SINK, RegistryEventSink, RegistryGridEvent } from '@smartgrid/registry';
import { RegistryMetrics } from './registry.metrics';

export interface RegistrySyncSettings {
  /** Pause between passes over the metadata inbox and the mismatch counts. */
  intervalMs: number;
  /** Inbox entries per transaction. */
  inboxBatch: number;
}

export const REGISTRY_SYNC_SETTINGS = Symbol('REGISTRY_SYNC_SETTINGS');
export const DEFAULT_REGISTRY_SYNC: RegistrySyncSettings = { intervalMs: 1000, inboxBatch: 200 };

/**
 * The registry's background work, once per interval:
 * - applies the metadata changes devices reported (the inbox ingest fills) to their MongoDB
 *   documents, while MongoDB answers; while it does not they wait in the inbox;
 * - turns new customer-mismatch counts (kept by a trigger on meter readings) into the metric
 *   and, the first time a (meter, reading customer, registry customer) is seen, a
 *   `meter.customer_mismatch` grid event.
 * Each is done by one instance at a time (advisory locks), so several instances may run it.
 */
@Injectable()
export class RegistrySyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegistrySync');
  private readonly loop: DrainLoop;
  private failing = new Set<string>();

  constructor(
    private readonly metadata: DeviceMetadataService,
    @Inject(METERS_STORE) private readonly meters: MetersStore,
    @Inject(REGISTRY_EVENT_SINK) private readonly events: RegistryEventSink,
    private readonly metrics: RegistryMetrics,
    @Inject(REGISTRY_SYNC_SETTINGS) private readonly settings: RegistrySyncSettings,
  ) {
    // Each job reports its own failures (see step), so a pass never fails as a whole.
    this.loop = DrainLoop.every(settings.intervalMs, { drain: () => this.runOnce(), failed: () => undefined });
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.settings.intervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass of both jobs (tests and the timer). */
  async runOnce(): Promise<void> {
    await this.step('metadata inbox', () => this.drainInbox());
    await this.step('customer mismatches', () => this.reportMismatches());
  }

  private async drainInbox(): Promise<void> {
    for (;;) {
      const r = await this.metadata.drainInbox(this.settings.inboxBatch);
      if (r) this.metrics.metadataApplied.inc(r.entries);
      if (!r || r.entries < this.settings.inboxBatch || this.loop.stopped) break;
    }
    this.metrics.inboxDepth.set(await this.metadata.inboxDepth());
  }

  private async reportMismatches(): Promise<void> {
    await this.meters.reportCustomerMismatches(100, async (pending) => {
      const fresh = pending.filter((p) => p.reportedReadings === 0);
      await this.events.publish(fresh.map(mismatchEvent));
      for (const p of pending) this.metrics.mismatchReadings.inc(p.readings - p.reportedReadings);
      this.metrics.mismatches.inc(fresh.length);
    });
  }

  /** Runs a job; a failure is logged once until the job succeeds again (the store is probably down). */
  private async step(name: string, job: () => Promise<void>): Promise<void> {
    try {
      await job();
      if (this.failing.delete(name)) this.logger.log(`${name}: working again`);
    } catch (err) {
      if (!this.failing.has(name)) this.logger.warn(`${name}: ${messageOf(err)} (retrying every ${this.settings.intervalMs} ms)`);
      this.failing.add(name);
    }
  }
}

export function mismatchEvent(p: PendingMismatch): RegistryGridEvent {
  return {
    eventId: `customer-mismatch:${p.meterId}:${p.readingCustomerId}:${p.registryCustomerId}`,
    sourceId: p.meterId,
    type: 'meter.customer_mismatch',
    severity: 'warning',
    status: 'raised',
    timestamp: p.firstReadingAt,
    details: {
      meterId: p.meterId,
      readingCustomerId: p.readingCustomerId,
      registryCustomerId: p.registryCustomerId,
      firstReadingAt: p.firstReadingAt.toISOString(),
      readings: p.readings,
    },
  };
}
