import type { Severity } from './grid-event.model';

/** Which sensors a rule watches; every given criterion must hold (at least one is required). */
export interface RuleSelector {
  /** The reading's `sensor_type`, e.g. `voltage`. */
  sensorType?: string;
  /** Exactly these sensors. */
  sensorIds?: string[];
  /** A field of the sensor's metadata (`path` dotted, e.g. `feeder.id`) equal to `value`. */
  metadata?: { path: string; value: string | number | boolean };
}

export type ConditionOp = 'above' | 'below' | 'outside';

/**
 * When the alarm is raised: the value above `threshold`, below `threshold`, or outside
 * [`low`, `high`], on every reading for at least `minDurationSeconds` (0: the first such
 * reading raises it).
 */
export interface RaiseCondition {
  op: ConditionOp;
  threshold?: number;
  low?: number;
  high?: number;
  minDurationSeconds: number;
}

/**
 * When it clears (hysteresis): for `above`, the value back below `threshold` (≤ the raise
 * threshold); for `below`, back above it (≥); for `outside`, back inside [`low`, `high`]
 * (within the raise band); on every reading for at least `minDurationSeconds`. Values between
 * the two thresholds neither raise nor clear, so a value flapping there does not flap the alarm.
 */
export interface ClearCondition {
  threshold?: number;
  low?: number;
  high?: number;
  minDurationSeconds: number;
}

export interface AlarmRule {
  id: string;
  /** Set on the rules shipped with the system (`en50160-voltage`, `en50160-frequency`). */
  builtin: string | null;
  name: string;
  description: string | null;
  enabled: boolean;
  selector: RuleSelector;
  condition: RaiseCondition;
  clear: ClearCondition;
  severity: Severity;
  /** Increases with every change. */
  version: number;
  /**
   * Readings timestamped before this are not evaluated by the rule (it applies from when it was
   * created, enabled or changed), so evaluating the same readings again gives the same alarms.
   */
  activeFrom: Date;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export type RuleDefinition = Pick<AlarmRule, 'name' | 'description' | 'enabled' | 'selector' | 'condition' | 'clear' | 'severity'>;

/** A rule definition that does not hold together; `field` is the dotted request field. */
export class RuleDefinitionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'RuleDefinitionError';
  }
}

const MAX_DURATION_SECONDS = 7 * 86_400;

/**
 * Checks what the DTO cannot: the fields each operator needs, and that the clear thresholds
 * lie on the safe side of the raise thresholds (the hysteresis band). Throws
 * RuleDefinitionError naming the field.
 */
export function checkRuleDefinition(d: Pick<RuleDefinition, 'selector' | 'condition' | 'clear'>): void {
  const s = d.selector;
  if (s.sensorType === undefined && (s.sensorIds === undefined || s.sensorIds.length === 0) && s.metadata === undefined) {
    throw new RuleDefinitionError('selector', 'must name a sensorType, sensorIds or a metadata field');
  }
  const c = d.condition;
  const k = d.clear;
  const need = (field: string, v: number | undefined): number => {
    if (v === undefined || !Number.isFinite(v)) throw new RuleDefinitionError(field, 'is required for this operator');
    return v;
  };
  const none = (field: string, v: number | undefined): void => {
    if (v !== undefined) throw new RuleDefinitionError(field, `does not apply to "${c.op}"`);
  };
  for (const [field, v] of [
    ['condition.minDurationSeconds', c.minDurationSeconds],
    ['clear.minDurationSeconds', k.minDurationSeconds],
  ] as const) {
    if (!Number.isFinite(v) || v < 0 || v > MAX_DURATION_SECONDS) throw new RuleDefinitionError(field, `must be from 0 to ${MAX_DURATION_SECONDS}`);
  }
  if (c.op === 'outside') {
    none('condition.threshold', c.threshold);
    none('clear.threshold', k.threshold);
    const low = need('condition.low', c.low);
    const high = need('condition.high', c.high);
    if (!(low < high)) throw new RuleDefinitionError('condition.low', 'must be below condition.high');
    const clow = k.low ?? low;
    const chigh = k.high ?? high;
    if (clow < low) throw new RuleDefinitionError('clear.low', 'must not be below condition.low (the clear band lies inside the raise band)');
    if (chigh > high) throw new RuleDefinitionError('clear.high', 'must not be above condition.high (the clear band lies inside the raise band)');
    if (!(clow < chigh)) throw new RuleDefinitionError('clear.low', 'must be below clear.high');
    return;
  }
  none('condition.low', c.low);
  none('condition.high', c.high);
  none('clear.low', k.low);
  none('clear.high', k.high);
  const t = need('condition.threshold', c.threshold);
  const ct = k.threshold ?? t;
  if (c.op === 'above' && ct > t) throw new RuleDefinitionError('clear.threshold', 'must not be above condition.threshold');
  if (c.op === 'below' && ct < t) throw new RuleDefinitionError('clear.threshold', 'must not be below condition.threshold');
}

/** Whether a value meets the raise condition. */
export function raises(c: RaiseCondition, v: number): boolean {
  switch (c.op) {
    case 'above':
      return v > c.threshold!;
    case 'below':
      return v < c.threshold!;
    case 'outside':
      return v < c.low! || v > c.high!;
  }
}

/** Whether a value meets the clear condition (missing clear thresholds default to the raise ones). */
export function clears(c: RaiseCondition, k: ClearCondition, v: number): boolean {
  switch (c.op) {
    case 'above':
      return v < (k.threshold ?? c.threshold!);
    case 'below':
      return v > (k.threshold ?? c.threshold!);
    case 'outside':
      return v > (k.low ?? c.low!) && v < (k.high ?? c.high!);
  }
}

/** The value at a dotted path of a metadata object, or undefined. */
export function metadataAt(metadata: Record<string, unknown> | undefined, path: string): unknown {
  let cur: unknown = metadata;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** What a rule needs to know about a sensor to tell whether it applies. */
export interface SensorFacts {
  sensorId: string;
  sensorType: string;
  metadata?: Record<string, unknown>;
}

export function ruleSelects(rule: Pick<AlarmRule, 'selector'>, s: SensorFacts): boolean {
  const sel = rule.selector;
  if (sel.sensorType !== undefined && sel.sensorType !== s.sensorType) return false;
  if (sel.sensorIds !== undefined && sel.sensorIds.length > 0 && !sel.sensorIds.includes(s.sensorId)) return false;
  if (sel.metadata !== undefined) {
    const v = metadataAt(s.metadata, sel.metadata.path);
    // Compared as text too, like `meta.<path>=<value>` filters (a query string has no types).
    if (v !== sel.metadata.value && !(v !== undefined && v !== null && typeof v !== 'object' && String(v) === String(sel.metadata.value))) return false;
  }
  return true;
}
