import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { HybridStorageService, messageOf, MeterReading, SensorReading } from '@smartgrid/hybrid-storage';
import type { Alarm, NewAlarm } from '../domain/alarm.model';
import { AlarmRule } from '../domain/alarm-rule.model';
import { alarmIdOf, EVENT_TYPES, GridEvent, sourceEventIdOf } from '../domain/grid-event.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { EventDeliveryService } from '../history/event-delivery.service';
import { ALARM_STORE, AlarmStore, BatchTrigger, CheckpointUpdate, Detections, EvaluationCheckpoint, SourcesState } from '../ports/alarm-store.port';
import { SENSOR_DIRECTORY, SensorDirectory } from '../ports/sensor-directory.port';
import { AlarmRulesService } from '../rules/alarm-rules.service';
import { normalState, RuleState, RuleTransition, ruleMemoryMs } from './rule.machine';
import { MeterDetection, MeterSample, MeterSeries, RuleSeed, SensorSample, SensorSeries } from './series.state';

/** A stored reading and the Kafka offset it came from. */
export interface Offered<R> {
  reading: R;
  offset: string;
}

/** Hooks for metrics (the app provides them). */
export interface EvaluationObserver {
  late(kind: 'sensor' | 'meter', n: number): void;
  deferred(kind: 'sensor' | 'meter', sources: number, why: string): void;
  rebuilt(kind: 'sensor' | 'meter', sources: number): void;
  events(events: readonly GridEvent[]): void;
}

export const EVALUATION_OBSERVER = Symbol('EVALUATION_OBSERVER');

/** What this instance knows about one Kafka partition it evaluated. */
interface PartitionTrack {
  /** Offset the next batch must start at for the cached states to be this partition's latest. */
  nextOffset: bigint | null;
  sources: Set<string>;
  /** Checkpoints as of the end of the last batch (its commit may still fail). */
  pending: Map<string, EvaluationCheckpoint>;
  /** Checkpoints of batches known committed (a later batch of the partition started). */
  safe: Map<string, EvaluationCheckpoint>;
}

type Timed = { timestamp: Date };

const REBUILD_CONCURRENCY = 8;
const DESCRIPTION_TTL_MS = 300_000;

/**
 * Rule evaluation and meter checks on ingest, called by the batch path once a partition
 * batch is durable in a store and before its offset is committed. Per source, readings are
 * put back in timestamp order within the lateness bound and fed to the state machines; what
 * they detect is recorded in PostgreSQL (AlarmStore: an alarm raised once, whatever delivers
 * the readings again), delivered to the history stores, and returned for the batch to
 * publish on `grid-events` in the transaction that commits its offset.
 *
 * State is kept in memory and **rebuilt from recent readings** whenever it cannot be trusted
 * (first sight of a source in this process, a partition that was processed elsewhere or
 * redelivered — the batch does not start where the last one ended —, a failure to record):
 * the readings since the source's last checkpoint (less the rules' longest duration and the
 * lateness) are read back from the time-series store and folded in timestamp order, the open
 * episodes seeded from the alarms PostgreSQL holds. Re-detecting what was already recorded is
 * harmless: ids are derived from the readings, and the store returns an event for publishing
 * only if it is new or was recorded by an attempt at a batch that never committed.
 *
 * PostgreSQL unavailable: ingest goes on (the readings are stored), evaluation of the sources
 * involved is deferred, and caught up from the stored readings when it answers again (at most
 * `maxCatchUpMs` of history per source).
 */
@Injectable()
export class EventEvaluationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventEvaluation');
  private readonly sensors = new Map<string, SensorSeries>();
  private readonly meters = new Map<string, MeterSeries>();
  private readonly tracks = new Map<string, PartitionTrack>();
  /** Rules matched per sensor, valid for one rules generation and sensor type. */
  private readonly matched = new Map<string, { generation: number; sensorType: string; rules: AlarmRule[] }>();
  private readonly descriptions = new Map<string, { metadata: Record<string, unknown>; at: number }>();
  /** Sources whose evaluation was deferred, with the oldest reading left unevaluated. */
  private readonly deferredSince = new Map<string, number>();
  private lock: Promise<unknown> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastGeneration = -1;

  constructor(
    private readonly rules: AlarmRulesService,
    @Inject(ALARM_STORE) private readonly store: AlarmStore,
    private readonly delivery: EventDeliveryService,
    private readonly storage: HybridStorageService,
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
    @Optional() @Inject(SENSOR_DIRECTORY) private readonly directory?: SensorDirectory | null,
    @Optional() @Inject(EVALUATION_OBSERVER) private readonly observer?: EvaluationObserver | null,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduleFlush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.flushTimer);
    await this.flushCheckpoints().catch(() => undefined);
  }

  /** Sensors with evaluation state in this process (for tests and status). */
  trackedSources(): { sensors: number; meters: number } {
    return { sensors: this.sensors.size, meters: this.meters.size };
  }

  /** Evaluates a sensor batch; returns the events to publish with its offset commit. */
  evaluateSensors(trigger: BatchTrigger, items: readonly Offered<SensorReading>[]): Promise<GridEvent[]> {
    if (!this.settings.evaluate || items.length === 0) return Promise.resolve([]);
    // Without enabled rules there is nothing to keep: sensors start afresh when one appears.
    if (this.rules.enabledRules.length === 0 && this.sensors.size === 0) return Promise.resolve([]);
    return this.exclusive(() => this.runSensors(trigger, items));
  }

  /** Evaluates a meter batch (register checks; readings for the no-data watcher). */
  evaluateMeters(trigger: BatchTrigger, items: readonly Offered<MeterReading>[]): Promise<GridEvent[]> {
    if (!this.settings.evaluate || items.length === 0) return Promise.resolve([]);
    return this.exclusive(() => this.runMeters(trigger, items));
  }

  /**
   * The batch that published these events committed (called after its Kafka transaction).
   * Never throws: should it fail, a later re-read of the same offsets publishes them again
   * (at least once on grid-events, never lost).
   */
  async published(events: readonly GridEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.store.markPublished(events.map((e) => e.eventId));
    } catch (err) {
      this.logger.warn(`${events.length} published events not marked as such: ${messageOf(err)}`);
    }
  }

  /** Writes the checkpoints due now (also on a timer). */
  flushCheckpoints(): Promise<void> {
    return this.exclusive(async () => {
      const rows = new Map<string, CheckpointUpdate>();
      for (const t of this.tracks.values()) {
        // Readings seen are stored, so their times may go out now; how far evaluation got only
        // once the batch is known committed (see PartitionTrack).
        for (const [id, c] of t.pending) rows.set(id, { ...c, evaluatedThrough: t.safe.get(id)?.evaluatedThrough ?? null });
        for (const [id, c] of t.safe) if (!t.pending.has(id)) rows.set(id, c);
      }
      if (rows.size === 0) return;
      await this.store.saveCheckpoints([...rows.values()]);
      for (const t of this.tracks.values()) t.safe.clear();
    });
  }

  private scheduleFlush(): void {
    this.flushTimer = setTimeout(() => {
      void this.flushCheckpoints()
        .catch((err: unknown) => this.logger.warn(`checkpoints not written (retrying): ${messageOf(err)}`))
        .finally(() => this.scheduleFlush());
    }, this.settings.checkpointIntervalMs);
    this.flushTimer.unref();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  // ---- sensors ---------------------------------------------------------------------------

  private async runSensors(trigger: BatchTrigger, items: readonly Offered<SensorReading>[]): Promise<GridEvent[]> {
    this.onRulesChanged();
    const track = this.track(trigger, (id) => this.sensors.delete(id));
    const bySource = groupBy(items, (i) => i.reading.sensorId);
    if (this.rules.needsMetadata) await this.describe([...bySource.keys()]);
    // Sensors no enabled rule selects are not tracked at all.
    for (const [id, list] of bySource) {
      const sample = list[list.length - 1]!.reading;
      if (this.rulesFor(id, sample.sensorType).length > 0) continue;
      bySource.delete(id);
      this.sensors.delete(id);
    }
    if (bySource.size === 0) return this.finish(trigger, track, 'sensor', [], null, new Map(), bySource);
    const ids = [...bySource.keys()];
    const transitions: { sensorId: string; t: RuleTransition }[] = [];
    const missing = ids.filter((id) => !this.sensors.has(id));
    let rebuiltIds = new Set<string>();
    if (missing.length > 0) {
      const loaded = await this.loadOrDefer('sensor', ids, missing, bySource, (l) => minTs(l.map((x) => x.reading.timestamp.getTime())));
      if (!loaded) return [];
      try {
        rebuiltIds = await this.rebuildSensors(missing, bySource, loaded, transitions);
      } catch (err) {
        this.defer('sensor', ids, bySource, `rebuild: ${messageOf(err)}`);
        return [];
      }
    }
    let late = 0;
    for (const [id, list] of bySource) {
      if (rebuiltIds.has(id)) continue;
      const series = this.sensors.get(id)!;
      for (const { reading } of list) {
        const out = series.offer({ ts: reading.timestamp.getTime(), value: reading.value, sensorType: reading.sensorType }, (s) => this.rulesFor(id, s.sensorType));
        if (out.late) late++;
        for (const t of out.transitions) transitions.push({ sensorId: id, t });
      }
    }
    if (late > 0) this.observer?.late('sensor', late);
    const detections = this.sensorDetections(transitions);
    const checkpoints = new Map(ids.map((id) => [id, this.sensorCheckpoint(id)] as const));
    return this.finish(trigger, track, 'sensor', ids, detections, checkpoints, bySource);
  }

  private sensorCheckpoint(id: string): EvaluationCheckpoint {
    const b = this.sensors.get(id)!.buffer;
    return {
      sourceId: id,
      sourceKind: 'sensor',
      evaluatedThrough: new Date(Number.isFinite(b.releasedThrough) ? b.releasedThrough : b.newest),
      lastReadingAt: new Date(b.newest),
      intervalMs: null,
    };
  }

  /** Rebuilds the missing sensors; returns those whose batch readings the rebuild already folded in. */
  private async rebuildSensors(
    missing: string[],
    bySource: Map<string, Offered<SensorReading>[]>,
    loaded: SourcesState,
    transitions: { sensorId: string; t: RuleTransition }[],
  ): Promise<Set<string>> {
    const folded = new Set<string>();
    const jobs = missing.map((id) => async () => {
      const list = bySource.get(id)!;
      const sensorType = list[list.length - 1]!.reading.sensorType;
      const rules = this.rulesFor(id, sensorType);
      const memory = Math.max(0, ...rules.map(ruleMemoryMs)) + this.settings.sensorLatenessMs + 1000;
      const batchMin = minTs(list.map((x) => x.reading.timestamp.getTime()));
      const alarms = loaded.alarms.filter((a) => a.sourceId === id && a.kind === 'rule');
      const cp = loaded.checkpoints.get(id);
      const deferred = this.deferredSince.get(id);
      const series = new SensorSeries(id, this.settings.sensorLatenessMs);
      this.sensors.set(id, series);
      let from: number | null = null;
      if (cp) from = cp.evaluatedThrough.getTime() - memory;
      if (deferred !== undefined) from = Math.min(from ?? Number.POSITIVE_INFINITY, deferred - memory);
      if (from === null && alarms.some((a) => a.episodeEndedAt === null)) from = batchMin - memory;
      if (from === null) {
        // Never evaluated here or anywhere: it starts with this batch.
        this.deferredSince.delete(id);
        return;
      }
      from = Math.max(from, batchMin - this.settings.maxCatchUpMs);
      series.seed(seedsAt(from, alarms, rules));
      const stored = await this.readSensor(id, new Date(from), list);
      for (const s of stored) {
        const out = series.offer(s, (x) => this.rulesFor(id, x.sensorType));
        for (const t of out.transitions) transitions.push({ sensorId: id, t });
      }
      this.deferredSince.delete(id);
      folded.add(id);
    });
    await runLimited(jobs, REBUILD_CONCURRENCY);
    if (folded.size > 0) this.observer?.rebuilt('sensor', folded.size);
    return folded;
  }

  /** Stored readings of a sensor from `from` on, with the batch's own (which won), oldest first. */
  private async readSensor(id: string, from: Date, batch: readonly Offered<SensorReading>[]): Promise<SensorSample[]> {
    const to = new Date(Math.max(...batch.map((b) => b.reading.timestamp.getTime())) + 1);
    const byTs = new Map<number, SensorSample>();
    if (from < to) {
      for await (const page of this.storage.streamSensorData(id, { from, to, source: 'auto' })) {
        for (const r of page) byTs.set(r.timestamp.getTime(), { ts: r.timestamp.getTime(), value: r.value, sensorType: r.sensorType });
      }
    }
    for (const { reading } of batch) {
      const ts = reading.timestamp.getTime();
      if (ts >= from.getTime()) byTs.set(ts, { ts, value: reading.value, sensorType: reading.sensorType });
    }
    return [...byTs.values()].sort((a, b) => a.ts - b.ts);
  }

  private sensorDetections(transitions: readonly { sensorId: string; t: RuleTransition }[]): Detections {
    const d: Detections = { raises: [], ends: [], events: [] };
    const byId = new Map(this.rules.enabledRules.map((r) => [r.id, r]));
    for (const { sensorId, t } of transitions) {
      const alarmId = alarmIdOf('rule', t.ruleId, sensorId, new Date(t.episodeStart));
      if (t.kind === 'clear') {
        d.ends.push({ alarmId, clearStartedAt: new Date(t.clearStart), endedAt: new Date(t.at), value: t.value });
        continue;
      }
      const rule = byId.get(t.ruleId);
      if (!rule) continue;
      const raise: NewAlarm = {
        alarmId,
        kind: 'rule',
        ruleId: rule.id,
        ruleName: rule.name,
        sourceId: sensorId,
        sourceKind: 'sensor',
        severity: rule.severity,
        episodeStartedAt: new Date(t.episodeStart),
        raisedAt: new Date(t.at),
        raiseValue: t.value,
        details: { ruleVersion: rule.version, condition: rule.condition, clear: rule.clear },
      };
      d.raises.push(raise);
    }
    return d;
  }

  // ---- meters ----------------------------------------------------------------------------

  private async runMeters(trigger: BatchTrigger, items: readonly Offered<MeterReading>[]): Promise<GridEvent[]> {
    const track = this.track(trigger, (id) => this.meters.delete(id));
    const bySource = groupBy(items, (i) => i.reading.meterId);
    const ids = [...bySource.keys()];
    const missing = ids.filter((id) => !this.meters.has(id));
    const found: MeterDetection[] = [];
    const detectedBy = new Map<MeterDetection, string>();
    let folded = new Set<string>();
    if (missing.length > 0) {
      const loaded = await this.loadOrDefer('meter', ids, missing, bySource, (l) => minTs(l.map((x) => x.reading.timestamp.getTime())));
      if (!loaded) return [];
      try {
        folded = await this.rebuildMeters(missing, bySource, loaded, (id, det) => {
          found.push(det);
          detectedBy.set(det, id);
        });
      } catch (err) {
        this.defer('meter', ids, bySource, `rebuild: ${messageOf(err)}`);
        return [];
      }
    }
    const checks = { resetMaxKwh: this.settings.registerResetMaxKwh, backwardsToleranceKwh: this.settings.registerToleranceKwh };
    let late = 0;
    for (const [id, list] of bySource) {
      if (folded.has(id)) continue;
      const series = this.meters.get(id)!;
      for (const { reading } of list) {
        const out = series.offer({ ts: reading.timestamp.getTime(), energyKwh: reading.energyKwh, customerId: reading.customerId }, checks);
        if (out.late) late++;
        for (const det of out.detections) {
          found.push(det);
          detectedBy.set(det, id);
        }
      }
    }
    if (late > 0) this.observer?.late('meter', late);
    const detections: Detections = { raises: [], ends: [], events: found.map((det) => meterEvent(detectedBy.get(det)!, det)) };
    const checkpoints = new Map(
      ids.map((id) => {
        const s = this.meters.get(id)!;
        const b = s.buffer;
        const cp: EvaluationCheckpoint = {
          sourceId: id,
          sourceKind: 'meter',
          evaluatedThrough: new Date(Number.isFinite(b.releasedThrough) ? b.releasedThrough : b.newest),
          lastReadingAt: new Date(b.newest),
          intervalMs: s.intervalMs,
        };
        return [id, cp] as const;
      }),
    );
    return this.finish(trigger, track, 'meter', ids, detections, checkpoints, bySource);
  }

  private async rebuildMeters(
    missing: string[],
    bySource: Map<string, Offered<MeterReading>[]>,
    loaded: SourcesState,
    found: (id: string, d: MeterDetection) => void,
  ): Promise<Set<string>> {
    const folded = new Set<string>();
    const checks = { resetMaxKwh: this.settings.registerResetMaxKwh, backwardsToleranceKwh: this.settings.registerToleranceKwh };
    const jobs = missing.map((id) => async () => {
      const list = bySource.get(id)!;
      const cp = loaded.checkpoints.get(id);
      const deferred = this.deferredSince.get(id);
      const series = new MeterSeries(id, this.settings.meterLatenessMs);
      series.seedInterval(cp?.intervalMs ?? null);
      this.meters.set(id, series);
      let from: number | null = cp ? cp.evaluatedThrough.getTime() - this.settings.meterLatenessMs : null;
      if (deferred !== undefined) from = Math.min(from ?? Number.POSITIVE_INFINITY, deferred - 1);
      if (from === null) {
        this.deferredSince.delete(id);
        return;
      }
      const batchMin = minTs(list.map((x) => x.reading.timestamp.getTime()));
      from = Math.max(from, batchMin - this.settings.maxCatchUpMs);
      const to = new Date(Math.max(...list.map((b) => b.reading.timestamp.getTime())) + 1);
      const byTs = new Map<number, MeterSample>();
      for await (const page of this.storage.streamMeterReadings(id, { from: new Date(from), to, source: 'auto' })) {
        for (const r of page) byTs.set(r.timestamp.getTime(), { ts: r.timestamp.getTime(), energyKwh: r.energyKwh, customerId: r.customerId });
      }
      for (const { reading } of list) {
        const ts = reading.timestamp.getTime();
        if (ts >= from) byTs.set(ts, { ts, energyKwh: reading.energyKwh, customerId: reading.customerId });
      }
      for (const s of [...byTs.values()].sort((a, b) => a.ts - b.ts)) {
        for (const det of series.offer(s, checks).detections) found(id, det);
      }
      this.deferredSince.delete(id);
      folded.add(id);
    });
    await runLimited(jobs, REBUILD_CONCURRENCY);
    if (folded.size > 0) this.observer?.rebuilt('meter', folded.size);
    return folded;
  }

  // ---- common ----------------------------------------------------------------------------

  /**
   * The partition's track; when this batch does not start where the last one this process
   * evaluated ended (redelivery, or another instance had the partition), its sources' states
   * are dropped and rebuilt.
   */
  private track(trigger: BatchTrigger, drop: (id: string) => void): PartitionTrack {
    const key = `${trigger.topic}|${trigger.partition}`;
    let t = this.tracks.get(key);
    if (!t) {
      t = { nextOffset: null, sources: new Set(), pending: new Map(), safe: new Map() };
      this.tracks.set(key, t);
    }
    const first = BigInt(trigger.firstOffset);
    if (t.nextOffset !== first) {
      for (const id of t.sources) drop(id);
      t.sources.clear();
      t.pending.clear();
      t.safe.clear();
    } else {
      for (const [id, c] of t.pending) t.safe.set(id, c);
      t.pending.clear();
    }
    return t;
  }

  private async loadOrDefer<R extends Timed>(
    kind: 'sensor' | 'meter',
    ids: string[],
    missing: string[],
    bySource: Map<string, Offered<R>[]>,
    batchMin: (list: Offered<R>[]) => number,
  ): Promise<SourcesState | null> {
    const since = Math.min(...missing.map((id) => batchMin(bySource.get(id)!))) - this.settings.maxCatchUpMs;
    try {
      return await this.store.loadSources(kind, missing, new Date(since));
    } catch (err) {
      this.defer(kind, ids, bySource, `loading state: ${messageOf(err)}`);
      return null;
    }
  }

  /** Drops the sources' states: their next batch rebuilds them, from where they were recorded. */
  private defer<R extends Timed>(kind: 'sensor' | 'meter', ids: readonly string[], bySource: Map<string, Offered<R>[]>, why: string): void {
    for (const id of ids) {
      (kind === 'sensor' ? this.sensors : this.meters).delete(id);
      const list = bySource.get(id) ?? [];
      const ts = list.map((x) => x.reading.timestamp.getTime());
      if (ts.length > 0) this.deferredSince.set(id, Math.min(this.deferredSince.get(id) ?? Number.POSITIVE_INFINITY, ...ts));
    }
    for (const t of this.tracks.values()) for (const id of ids) t.sources.delete(id);
    this.observer?.deferred(kind, ids.length, why);
    this.logger.warn(`evaluation of ${ids.length} ${kind}s deferred (caught up from stored readings later): ${why}`);
  }

  private async finish<R extends Timed>(
    trigger: BatchTrigger,
    track: PartitionTrack,
    kind: 'sensor' | 'meter',
    ids: readonly string[],
    d: Detections | null,
    checkpoints: Map<string, EvaluationCheckpoint>,
    bySource: Map<string, Offered<R>[]>,
  ): Promise<GridEvent[]> {
    let publish: GridEvent[] = [];
    if (d && d.raises.length + d.ends.length + d.events.length > 0) {
      try {
        publish = await this.store.commitDetections(d, trigger);
      } catch (err) {
        this.defer(kind, ids, bySource, `recording detections: ${messageOf(err)}`);
        return [];
      }
      // The ledger holds them; delivery never throws (what fails waits in the backlog).
      await this.delivery.deliver(publish, { kafka: false });
      if (publish.length > 0) this.observer?.events(publish);
    }
    track.nextOffset = BigInt(trigger.lastOffset) + 1n;
    for (const id of ids) {
      track.sources.add(id);
      const c = checkpoints.get(id);
      if (c) track.pending.set(id, c);
    }
    return publish;
  }

  private onRulesChanged(): void {
    if (this.rules.generation === this.lastGeneration) return;
    this.lastGeneration = this.rules.generation;
    const enabled = new Set(this.rules.enabledRules.map((r) => r.id));
    for (const s of this.sensors.values()) s.retain(enabled);
  }

  private rulesFor(sensorId: string, sensorType: string): AlarmRule[] {
    const m = this.matched.get(sensorId);
    if (m && m.generation === this.rules.generation && m.sensorType === sensorType) return m.rules;
    const rules = this.rules.rulesFor({ sensorId, sensorType, metadata: this.descriptions.get(sensorId)?.metadata });
    this.matched.set(sensorId, { generation: this.rules.generation, sensorType, rules });
    return rules;
  }

  /** Loads the metadata of sensors not described recently (rules may select on it). */
  private async describe(ids: readonly string[]): Promise<void> {
    if (!this.directory) return;
    const now = Date.now();
    const stale = ids.filter((id) => (this.descriptions.get(id)?.at ?? 0) < now - DESCRIPTION_TTL_MS);
    if (stale.length === 0) return;
    try {
      const found = await this.directory.describe(stale);
      for (const id of stale) {
        this.descriptions.set(id, { metadata: found.get(id)?.metadata ?? {}, at: now });
        this.matched.delete(id);
      }
    } catch (err) {
      // Matched without metadata this time; asked again on the next batch.
      this.logger.warn(`sensor metadata unavailable for rule selection: ${messageOf(err)}`);
    }
  }
}

/**
 * The state of each rule at `from`, from the alarms PostgreSQL holds: an episode open at
 * `from` whose alarm was raised by then is active (or clearing, if its clear run had begun);
 * one raised after `from` whose run began before it was raising since that run began. Runs in
 * progress at `from` that did not end in an alarm are shorter than the rule's duration and lie
 * inside the window read back, so folding the window finds them.
 */
export function seedsAt(from: number, alarms: readonly Alarm[], rules: readonly AlarmRule[]): RuleSeed[] {
  const out: RuleSeed[] = [];
  for (const rule of rules) {
    const a = alarms.find(
      (x) => x.ruleId === rule.id && x.episodeStartedAt.getTime() <= from && (x.episodeEndedAt === null || x.episodeEndedAt.getTime() > from),
    );
    if (!a) continue;
    const state: RuleState = normalState();
    state.episodeStart = a.episodeStartedAt.getTime();
    if (a.raisedAt.getTime() <= from) {
      state.raisedAt = a.raisedAt.getTime();
      const clearing = a.clearStartedAt !== null && a.clearStartedAt.getTime() <= from;
      state.phase = clearing ? 'clearing' : 'active';
      state.runStart = clearing ? a.clearStartedAt!.getTime() : null;
    } else {
      state.phase = 'raising';
      state.runStart = a.episodeStartedAt.getTime();
      state.episodeStart = null;
    }
    out.push({ ruleId: rule.id, version: rule.version, state });
  }
  return out;
}

function meterEvent(meterId: string, d: MeterDetection): GridEvent {
  const type = d.kind === 'reset' ? EVENT_TYPES.registerReset : EVENT_TYPES.registerBackwards;
  const at = new Date(d.at);
  return {
    eventId: sourceEventIdOf(type, meterId, at),
    sourceId: meterId,
    sourceKind: 'meter',
    type,
    severity: d.kind === 'reset' ? 'warning' : 'major',
    status: 'raised',
    timestamp: at,
    details: {
      energyKwh: d.energyKwh,
      previousEnergyKwh: d.previous.energyKwh,
      previousReadingAt: new Date(d.previous.ts).toISOString(),
      dropKwh: Math.round((d.previous.energyKwh - d.energyKwh) * 1e6) / 1e6,
      customerId: d.customerId,
    },
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}

function minTs(values: readonly number[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

async function runLimited(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}
