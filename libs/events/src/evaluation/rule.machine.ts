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
      if (!raises(rule.condition, value)) {
        s.phase = 'normal';
        s.runStart = null;
        return null;
      }
      if (s.phase === 'normal') {
        s.phase = 'raising';
        s.runStart = ts;
      }
      if (ts - s.runStart! < minRaise) return null;
      const episodeStart = s.runStart!;
      s.phase = 'active';
      s.runStart = null;
      s.episodeStart = episodeStart;
      s.raisedAt = ts;
      return { kind: 'raise', ruleId: rule.id, episodeStart, at: ts, value };
    }
    case 'active':
    case 'clearing': {
      if (!clears(rule.condition, rule.clear, value)) {
        s.phase = 'active';
        s.runStart = null;
        return null;
      }
      if (s.phase === 'active') {
        s.phase = 'clearing';
        s.runStart = ts;
      }
      if (ts - s.runStart! < minClear) return null;
      const t: ClearTransition = { kind: 'clear', ruleId: rule.id, episodeStart: s.episodeStart!, clearStart: s.runStart!, at: ts, value };
      Object.assign(s, normalState());
      return t;
    }
  }
}

/** The longest stretch of readings a rule's state can depend on (its longer minimum duration). */
export function ruleMemoryMs(rule: Pick<AlarmRule, 'condition' | 'clear'>): number {
  return Math.max(rule.condition.minDurationSeconds, rule.clear.minDurationSeconds) * 1000;
}
