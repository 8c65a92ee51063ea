import type { AlarmRule } from '../domain/alarm-rule.model';
import { normalState, RuleState, RuleTransition, stepRule } from './rule.machine';
import { WatermarkBuffer } from './watermark.buffer';

export interface SensorSample {
  ts: number;
  value: number;
  sensorType: string;
}

export interface MeterSample {
  ts: number;
  energyKwh: number;
  customerId: string;
}

/** A rule's state for one sensor, and the rule version it was built under. */
interface HeldState {
  version: number;
  state: RuleState;
}

/** What a state is seeded with after a rebuild (from the alarms the store holds). */
export interface RuleSeed {
  ruleId: string;
  version: number;
  state: RuleState;
}

/**
 * One sensor under evaluation: its readings put back in order (WatermarkBuffer), then fed to
 * every rule that selects it, oldest first. A rule evaluates only readings timestamped at or
 * after its `activeFrom`; when a rule changes (new version), a run in progress starts again
 * from the next reading while an open episode stays open.
 */
export class SensorSeries {
  readonly buffer: WatermarkBuffer<SensorSample>;
  private readonly states = new Map<string, HeldState>();

  constructor(
    readonly sensorId: string,
    latenessMs: number,
  ) {
    this.buffer = new WatermarkBuffer(latenessMs);
  }

  seed(seeds: readonly RuleSeed[]): void {
    for (const s of seeds) this.states.set(s.ruleId, { version: s.version, state: { ...s.state } });
  }

  /** Offers a reading; `rulesFor` gives the enabled rules that select the sensor (by the reading's type). */
  offer(sample: SensorSample, rulesFor: (s: SensorSample) => readonly AlarmRule[]): { late: boolean; transitions: RuleTransition[] } {
    const released = this.buffer.offer(sample);
    if (released === false) return { late: true, transitions: [] };
    const transitions: RuleTransition[] = [];
    for (const r of released) transitions.push(...this.evaluate(r, rulesFor(r)));
    return { late: false, transitions };
  }

  /** The state each rule is in (for tests and status). */
  stateOf(ruleId: string): RuleState | undefined {
    return this.states.get(ruleId)?.state;
  }

  /** Forgets rules no longer enabled (their open alarms are closed by whoever disabled them). */
  retain(ruleIds: ReadonlySet<string>): void {
    for (const id of [...this.states.keys()]) if (!ruleIds.has(id)) this.states.delete(id);
  }

  private evaluate(r: SensorSample, rules: readonly AlarmRule[]): RuleTransition[] {
    const out: RuleTransition[] = [];
    for (const rule of rules) {
      if (r.ts < rule.activeFrom.getTime()) continue;
      let held = this.states.get(rule.id);
      if (!held) {
        held = { version: rule.version, state: normalState() };
        this.states.set(rule.id, held);
      } else if (held.version !== rule.version) {
        // A changed rule judges runs from its own first reading; an open episode stays open.
        if (held.state.phase === 'raising') Object.assign(held.state, normalState());
        if (held.state.phase === 'clearing') Object.assign(held.state, { phase: 'active', runStart: null });
        held.version = rule.version;
      }
      const t = stepRule(rule, held.state, r.ts, r.value);
      if (t) out.push(t);
    }
    return out;
  }
}

export type MeterDetectionKind = 'reset' | 'backwards';

export interface MeterDetection {
  kind: MeterDetectionKind;
  at: number;
  energyKwh: number;
  previous: { ts: number; energyKwh: number };
  customerId: string;
}

export interface MeterCheckSettings {
  /** A register that falls to at most this many kWh has been reset (meter replaced, rolled over). */
  resetMaxKwh: number;
  /** Decreases up to this many kWh are rounding, not a register running backwards. */
  backwardsToleranceKwh: number;
}

const INTERVAL_SAMPLES = 9;

/**
 * One meter under evaluation: consecutive readings (in timestamp order, after the watermark)
 * compared register to register, and the meter's reporting interval learnt as the median of
 * its recent gaps (for the no-data watcher).
 */
export class MeterSeries {
  readonly buffer: WatermarkBuffer<MeterSample>;
  private previous: MeterSample | null = null;
  private readonly gaps: number[] = [];

  constructor(
    readonly meterId: string,
    latenessMs: number,
  ) {
    this.buffer = new WatermarkBuffer(latenessMs);
  }

  /** The median gap between recent readings, or null before two readings. */
  get intervalMs(): number | null {
    if (this.gaps.length === 0) return null;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  seedInterval(ms: number | null): void {
    if (ms !== null && ms > 0 && this.gaps.length === 0) this.gaps.push(ms);
  }

  offer(sample: MeterSample, settings: MeterCheckSettings): { late: boolean; detections: MeterDetection[] } {
    const released = this.buffer.offer(sample);
    if (released === false) return { late: true, detections: [] };
    const detections: MeterDetection[] = [];
    for (const r of released) {
      const p = this.previous;
      if (p) {
        this.gaps.push(r.ts - p.ts);
        if (this.gaps.length > INTERVAL_SAMPLES) this.gaps.shift();
        const drop = p.energyKwh - r.energyKwh;
        if (drop > settings.backwardsToleranceKwh) {
          const kind: MeterDetectionKind = r.energyKwh <= settings.resetMaxKwh ? 'reset' : 'backwards';
          detections.push({ kind, at: r.ts, energyKwh: r.energyKwh, previous: { ts: p.ts, energyKwh: p.energyKwh }, customerId: r.customerId });
        }
      }
      this.previous = r;
    }
    return { late: false, detections };
  }
}
