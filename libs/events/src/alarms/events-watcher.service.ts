import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DrainLoop, messageOf } from '@smartgrid/hybrid-storage';
import type { NewAlarm } from '../domain/alarm.model';
import { alarmIdOf, GridEvent } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EventDeliveryService } from '../history/event-delivery.service';
import { ALARM_STORE, AlarmStore, EpisodeEnd } from '../ports/alarm-store.port';
import { EVENT_LEDGER, EventLedger } from '../ports/event-ledger.port';

const SILENT_PER_PASS = 500;

/**
 * Work that no ingest batch can do, once per `watcherIntervalMs` by one instance at a time
 * (a PostgreSQL advisory lock):
 * - a meter silent for more than `meterMissedIntervals` of its interval (learnt from its
 *   readings, else `meterIntervalMs`) gets a `meter.no_data` alarm; it clears when a newer
 *   reading has been seen. Silence is a matter of the clock, not of a reading, so this runs on
 *   a timer over the evaluation checkpoints (newest reading per meter) rather than on ingest;
 * - alarms whose rule was disabled or deleted are cleared;
 * - delivered events older than the ledger retention are forgotten.
 */
@Injectable()
export class EventsWatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventsWatcher');
  private readonly loop: DrainLoop;
  private lastPrune = 0;
  /** Set by tests that drive passes by hand. */
  timerEnabled = true;

  constructor(
    @Inject(ALARM_STORE) private readonly store: AlarmStore,
    @Inject(EVENT_LEDGER) private readonly ledger: EventLedger,
    private readonly delivery: EventDeliveryService,
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
  ) {
    this.loop = DrainLoop.every(settings.watcherIntervalMs, {
      drain: () => this.runOnce().then(() => undefined),
      failed: (err, first) => {
        if (first) this.logger.warn(`pass failed (retrying every ${settings.watcherIntervalMs} ms): ${messageOf(err)}`);
      },
      recovered: () => this.logger.log('working again'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.timerEnabled) this.loop.start(this.settings.watcherIntervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now (or the one in flight); false when another instance held the turn. */
  async runOnce(now = new Date()): Promise<GridEvent[]> {
    const out: GridEvent[] = [];
    await this.store.exclusively('smartgrid-events-watcher', async () => {
      out.push(...(await this.silentMeters(now)));
      out.push(...(await this.resumedMeters()));
      out.push(...(await this.goneRules(now)));
      if (now.getTime() - this.lastPrune > 3_600_000) {
        const n = await this.ledger.prune(new Date(now.getTime() - this.settings.ledgerRetentionMs));
        this.lastPrune = now.getTime();
        if (n > 0) this.logger.log(`forgot ${n} delivered events older than the ledger retention`);
      }
    });
    if (out.length > 0) await this.delivery.deliver(out, { kafka: true });
    return out;
  }

  private async silentMeters(now: Date): Promise<GridEvent[]> {
    const silent = await this.store.silentMeters(now, this.settings.meterMissedIntervals, this.settings.meterIntervalMs, SILENT_PER_PASS);
    if (silent.length === 0) return [];
    const alarms: NewAlarm[] = silent.map((m) => ({
      // One alarm per silence: keyed by the last reading before it.
      alarmId: alarmIdOf('meter.no_data', null, m.meterId, m.lastReadingAt),
      kind: 'meter.no_data',
      ruleId: null,
      ruleName: null,
      sourceId: m.meterId,
      sourceKind: 'meter',
      severity: 'major',
      episodeStartedAt: m.lastReadingAt,
      raisedAt: now,
      raiseValue: null,
      details: {
        lastReadingAt: m.lastReadingAt.toISOString(),
        intervalMs: m.intervalMs,
        missedIntervals: Math.floor((now.getTime() - m.lastReadingAt.getTime()) / m.intervalMs),
      },
    }));
    return this.store.raiseAlarms(alarms, 'watcher');
  }

  private async resumedMeters(): Promise<GridEvent[]> {
    const open = await this.store.openAlarms({ kind: 'meter.no_data' });
    if (open.length === 0) return [];
    const last = await this.store.lastReadings(open.map((a) => a.sourceId));
    const ends: EpisodeEnd[] = [];
    for (const a of open) {
      const seen = last.get(a.sourceId);
      if (seen && seen.getTime() > a.episodeStartedAt.getTime()) ends.push({ alarmId: a.alarmId, clearStartedAt: seen, endedAt: seen, value: null });
    }
    if (ends.length === 0) return [];
    return this.store.endEpisodes(ends, 'system', { reason: 'readings resumed' }, 'watcher');
  }

  private async goneRules(now: Date): Promise<GridEvent[]> {
    const open = await this.store.openAlarms({ kind: 'rule', ruleGone: true });
    if (open.length === 0) return [];
    const ends = open.map((a) => ({ alarmId: a.alarmId, clearStartedAt: now, endedAt: now, value: null }));
    return this.store.endEpisodes(ends, 'system', { reason: 'rule disabled or deleted' }, 'watcher');
  }
}
