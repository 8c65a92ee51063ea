import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { DownTracker, messageOf, withTimeout } from '@smartgrid/hybrid-storage';
import type { GridEvent } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EVENT_HISTORY_STORES, EventHistoryStore, EventStoreRefusedError } from '../ports/event-history-store.port';
import { DELIVERY_TARGETS, DeliveryTarget, EVENT_LEDGER, EventLedger, PendingDelivery } from '../ports/event-ledger.port';
import { GRID_EVENTS_SINK, GridEventsSink } from '../ports/grid-events-sink.port';

/** Hooks for metrics (the app provides them). */
export interface DeliveryObserver {
  delivered(target: DeliveryTarget, events: number, replayed: boolean): void;
  failed(target: DeliveryTarget, error: string): void;
  refused(target: DeliveryTarget, events: number): void;
}

export const DELIVERY_OBSERVER = Symbol('DELIVERY_OBSERVER');

export interface TargetOutcome {
  target: DeliveryTarget;
  ok: boolean;
  delivered: number;
  refused: number;
  /** Not tried: the target is known to be down (its events wait in the backlog). */
  skipped?: boolean;
  error?: string;
}

export interface DrainReport {
  targets: { target: DeliveryTarget; state: 'drained' | 'unhealthy' | 'failed'; delivered: number; refused: number; deferred: number; error?: string }[];
}

const EMPTY_RECHECK_MS = 15_000;

/**
 * Delivers recorded events to the history stores (Cassandra `events_by_day`, MongoDB
 * `event_history`) and, for events no ingest batch publishes, to Kafka `grid-events` — the
 * hybrid storage rules applied to events:
 *
 * - every event is first recorded in the PostgreSQL ledger, in the transaction that makes it
 *   happen, with a backlog entry per target; delivery then writes the targets in parallel and
 *   removes the entries of the targets that took it. So an event is durable before either
 *   store is written, and a store (or Kafka) that is down only leaves entries behind;
 * - a target that fails is marked down and skipped (one probe per interval) rather than
 *   waited for on every call; one that refuses events (its own verdict on the data) gets them
 *   split out and set aside (`refused` entries, kept with the reason), never blocking the rest;
 * - the replayer drains the backlog every `deliveryIntervalMs`: it pings the target, claims
 *   leased entries oldest first, delivers them, and removes them; an entry that fails while
 *   the target answers waits with its own backoff and is set aside after `maxAttempts`; only
 *   a target that stops answering pauses its drain.
 *
 * Writes are idempotent by event id in every target, so an event delivered twice (a crash
 * between delivering and removing its entry, two replayers) is stored once.
 */
@Injectable()
export class EventDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventDelivery');
  private readonly byName = new Map<DeliveryTarget, (events: readonly GridEvent[]) => Promise<void>>();
  private readonly pings = new Map<DeliveryTarget, () => Promise<void>>();
  private readonly down: DownTracker<DeliveryTarget>;
  /** Targets known to have entries waiting (absent: not known). */
  private readonly pending = new Map<DeliveryTarget, boolean>();
  private readonly verifiedEmptyAt = new Map<DeliveryTarget, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DrainReport> | undefined;
  private stopped = false;
  /** Set by tests that drive the replayer by hand. */
  timerEnabled = true;

  constructor(
    @Inject(EVENT_HISTORY_STORES) stores: EventHistoryStore[],
    @Inject(EVENT_LEDGER) private readonly ledger: EventLedger,
    @Inject(GRID_EVENTS_SINK) private readonly sink: GridEventsSink,
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
    @Optional() @Inject(DELIVERY_OBSERVER) private readonly observer?: DeliveryObserver | null,
  ) {
    for (const s of stores) {
      this.byName.set(s.name, (events) => s.record(events));
      this.pings.set(s.name, () => s.ping());
    }
    this.byName.set('kafka', (events) => this.sink.publish(events));
    this.down = new DownTracker(5000);
  }

  onApplicationBootstrap(): void {
    if (this.timerEnabled) this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Targets currently believed down (for status). */
  downTargets(): DeliveryTarget[] {
    return DELIVERY_TARGETS.filter((t) => this.down.isDown(t));
  }

  /**
   * Delivers events the ledger holds to the history stores, and to Kafka when `kafka` (events
   * no ingest batch publishes). Never throws: what a target did not take stays in the backlog.
   */
  async deliver(events: readonly GridEvent[], opts: { kafka: boolean }): Promise<TargetOutcome[]> {
    if (events.length === 0) return [];
    const targets: DeliveryTarget[] = opts.kafka ? ['cassandra', 'mongodb', 'kafka'] : ['cassandra', 'mongodb'];
    return Promise.all(targets.filter((t) => this.byName.has(t)).map((t) => this.deliverTo(t, events)));
  }

  /** One replay pass now, or the one in flight. */
  drainNow(): Promise<DrainReport> {
    this.running ??= this.pass(true).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const run = this.running ?? this.pass(false);
      this.running = run;
      void run
        .catch((err: unknown) => this.logger.error(`delivery pass failed: ${messageOf(err)}`))
        .finally(() => {
          if (this.running === run) this.running = undefined;
          this.schedule(this.settings.deliveryIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async deliverTo(target: DeliveryTarget, events: readonly GridEvent[]): Promise<TargetOutcome> {
    const skip = this.down.shouldSkip(target);
    if (skip) {
      this.pending.set(target, true);
      return { target, ok: false, delivered: 0, refused: 0, skipped: true, error: skip.error };
    }
    try {
      const refused = await withTimeout(this.writeIsolatingRefusals(target, events), this.settings.storeTimeoutMs, `${target} event write`);
      this.down.markUp(target);
      const refusedIds = new Set(refused.map((r) => r.event.eventId));
      const taken = events.filter((e) => !refusedIds.has(e.eventId)).map((e) => e.eventId);
      this.observer?.delivered(target, taken.length, false);
      try {
        await this.ledger.complete(target, taken);
        if (refused.length > 0) {
          await this.ledger.refuse(target, [...refusedIds], refused[0]!.reason);
          this.observer?.refused(target, refused.length);
          this.logger.warn(`${target} refused ${refused.length} events (set aside): ${refused[0]!.reason}`);
        }
      } catch (err) {
        // Delivered; the entries stay and the replayer delivers them again, harmlessly.
        this.pending.set(target, true);
        this.logger.warn(`events delivered to ${target} but their backlog entries could not be removed: ${messageOf(err)}`);
      }
      return { target, ok: true, delivered: taken.length, refused: refused.length };
    } catch (err) {
      const error = messageOf(err);
      this.down.markDown(target, error);
      this.pending.set(target, true);
      this.observer?.failed(target, error);
      return { target, ok: false, delivered: 0, refused: 0, error };
    }
  }

  /** Writes the events; when the target refuses some, halves the set until they are isolated. */
  private async writeIsolatingRefusals(target: DeliveryTarget, events: readonly GridEvent[]): Promise<{ event: GridEvent; reason: string }[]> {
    const write = this.byName.get(target)!;
    try {
      await write(events);
      return [];
    } catch (err) {
      if (!(err instanceof EventStoreRefusedError)) throw err;
      if (events.length === 1) return [{ event: events[0]!, reason: err.message }];
    }
    const mid = Math.ceil(events.length / 2);
    return [...(await this.writeIsolatingRefusals(target, events.slice(0, mid))), ...(await this.writeIsolatingRefusals(target, events.slice(mid)))];
  }

  private async pass(thorough: boolean): Promise<DrainReport> {
    const report: DrainReport = { targets: [] };
    for (const target of DELIVERY_TARGETS) {
      if (!this.byName.has(target)) continue;
      const verifiedAt = this.verifiedEmptyAt.get(target) ?? 0;
      if (!thorough && this.pending.get(target) === false && Date.now() - verifiedAt < EMPTY_RECHECK_MS) continue;
      report.targets.push(await this.drainTarget(target));
    }
    return report;
  }

  private async drainTarget(target: DeliveryTarget): Promise<DrainReport['targets'][number]> {
    const out: DrainReport['targets'][number] = { target, state: 'drained', delivered: 0, refused: 0, deferred: 0 };
    const r = this.settings.replay;
    let pinged = false;
    for (;;) {
      if (this.stopped) return out;
      let claimed: PendingDelivery[];
      try {
        claimed = await this.ledger.claim(target, r.entriesPerClaim, r.leaseMs);
      } catch (err) {
        return { ...out, state: 'failed', error: `ledger: ${messageOf(err)}` };
      }
      if (claimed.length === 0) break;
      if (!pinged) {
        try {
          await this.ping(target);
          pinged = true;
        } catch (err) {
          await Promise.all(claimed.map((d) => this.ledger.release(d, { error: messageOf(err), attempts: d.attempts, retryAt: null }).catch(() => undefined)));
          return { ...out, state: 'unhealthy', error: messageOf(err) };
        }
      }
      const events = claimed.map((d) => d.event);
      try {
        const refused = await withTimeout(this.writeIsolatingRefusals(target, events), this.settings.storeTimeoutMs, `${target} event replay`);
        this.down.markUp(target);
        const refusedIds = new Set(refused.map((x) => x.event.eventId));
        const taken = events.filter((e) => !refusedIds.has(e.eventId)).map((e) => e.eventId);
        await this.ledger.complete(target, taken);
        if (refused.length > 0) await this.ledger.refuse(target, [...refusedIds], refused[0]!.reason);
        out.delivered += taken.length;
        out.refused += refused.length;
        this.observer?.delivered(target, taken.length, true);
        if (refused.length > 0) this.observer?.refused(target, refused.length);
      } catch (err) {
        const error = messageOf(err);
        let up = true;
        try {
          await this.ping(target);
        } catch {
          up = false;
        }
        if (!up) {
          this.down.markDown(target, error);
          await Promise.all(claimed.map((d) => this.ledger.release(d, { error, attempts: d.attempts, retryAt: null }).catch(() => undefined)));
          return { ...out, state: 'unhealthy', error };
        }
        // The target answers but will not take these: each waits with its own backoff; the
        // others (next claims) go on.
        for (const d of claimed) {
          const attempts = d.attempts + 1;
          if (attempts >= r.maxAttempts) {
            await this.ledger.refuse(target, [d.event.eventId], `gave up after ${attempts} attempts: ${error}`).catch(() => undefined);
            out.refused++;
            continue;
          }
          const waitMs = Math.min(r.backoffMaxMs, r.backoffInitialMs * 2 ** Math.min(attempts - 1, 30));
          await this.ledger.release(d, { error, attempts, retryAt: new Date(Date.now() + waitMs) }).catch(() => undefined);
          out.deferred++;
        }
        this.logger.warn(`${claimed.length} events for ${target} failed while it answers: ${error}`);
      }
    }
    if (out.state === 'drained' && out.deferred === 0) {
      this.pending.set(target, false);
      this.verifiedEmptyAt.set(target, Date.now());
    }
    if (out.delivered > 0) this.logger.log(`replayed ${out.delivered} events into ${target}${out.refused > 0 ? `, ${out.refused} refused` : ''}`);
    return out;
  }

  private async ping(target: DeliveryTarget): Promise<void> {
    const ping = this.pings.get(target);
    if (ping) await withTimeout(ping(), this.settings.storeTimeoutMs, `${target} ping`);
  }
}
