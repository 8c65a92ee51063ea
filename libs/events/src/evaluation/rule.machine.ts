import { AlarmRule, clears, raises } from '../domain/alarm-rule.model';

/**
 * Where one rule stands for one sensor (event time):
 * - `normal`: no alarm episode; `raising`: the raise condition has held since `runStart`;
 * - `active`: an episode is open; `clearing`: its clear condition has held since `runStart`.
 * An episode opens when the raise condition has held for the rule's minimum duration and ends
 * when the clear condition has; an operator clearing the alarm closes the alarm, not the
 * episode, so no second alarm is raised until the value has really come back.
 */
export type Phase = 'normal' | 'raising' | 'active' | 'clearing';

export interface RuleState {
  phase: Phase;
  /** First reading of the current raising/clearing run (epoch ms). */
  runStart: number | null;
  /** First reading of the run that opened the current episode. */
  episodeStart: number | null;
  /** When the current episode's alarm was raised. */
  raisedAt: number | null;
}

export const normalState = (): RuleState => ({ phase: 'normal', runStart: null, episodeStart: null, raisedAt: null });

export interface RaiseTransition {
  kind: 'raise';
  ruleId: string;
  episodeStart: number;
  at: number;
  value: number;
}

export interface ClearTransition {
  kind: 'clear';
  ruleId: string;
  episodeStart: number;
  clearStart: number;
  at: number;
  value: number;
}

export type RuleTransition = RaiseTransition | ClearTransition;

/**
 * Feeds one reading (in timestamp order) to a rule's state; returns the transition it causes,
 * if any. Between readings the value is taken to hold (sample and hold), so a run lasts from
 * its first reading to the current one.
 */
export function stepRule(rule: Pick<AlarmRule, 'id' | 'condition' | 'clear'>, s: RuleState, ts: number, value: number): RuleTransition | null {
  const minRaise = rule.condition.minDurationSeconds * 1000;
  const minClear = rule.clear.minDurationSeconds * 1000;
  switch (s.phase) {
    case 'normal':
    case 'raising': {
      const episodeStart = runLasting(s, raises(rule.condition, value), ['normal', 'raising'], ts, minRaise);
      if (episodeStart === null) return null;
      s.phase = 'active';
      s.runStart = null;
      s.episodeStart = episodeStart;
      s.raisedAt = ts;
      return { kind: 'raise', ruleId: rule.id, episodeStart, at: ts, value };
    }
    case 'active':
    case 'clearing': {
      const clearStart = runLasting(s, clears(rule.condition, rule.clear, value), ['active', 'clearing'], ts, minClear);
      if (clearStart === null) return null;
      const t: ClearTransition = { kind: 'clear', ruleId: rule.id, episodeStart: s.episodeStart!, clearStart, at: ts, value };
      Object.assign(s, normalState());
      return t;
    }
  }
}

/**
 * The run of readings meeting a condition, for raising and clearing alike: a reading that
 * does not meet it ends the run (back to `settled`); the first that does starts it (`running`).
 * Returns the run's start once it has lasted `minMs`, else null.
 */
function runLasting(s: RuleState, meets: boolean, [settled, running]: readonly [Phase, Phase], ts: number, minMs: number): number | null {
  if (!meets) {
    s.phase = settled;
    s.runStart = null;
    return null;
  }
  if (s.phase === settled) {
    s.phase = running;
    s.runStart = ts;
  }
  return ts - s.runStart! < minMs ? null : s.runStart!;
}

/** The longest stretch of readings a rule's state can depend on (its longer minimum duration). */
export function ruleMemoryMs(rule: Pick<AlarmRule, 'condition' | 'clear'>): number {
  return Math.max(rule.condition.minDurationSeconds, rule.clear.minDurationSeconds) * 1000;
}
