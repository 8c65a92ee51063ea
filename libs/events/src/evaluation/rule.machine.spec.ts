import type { AlarmRule } from '../domain/alarm-rule.model';
import { normalState, RuleTransition, stepRule } from './rule.machine';

type Rule = Pick<AlarmRule, 'id' | 'condition' | 'clear'>;
const overVoltage: Rule = {
  id: 'r1',
  condition: { op: 'above', threshold: 253, minDurationSeconds: 60 },
  clear: { threshold: 250, minDurationSeconds: 30 },
};
const band: Rule = {
  id: 'r2',
  condition: { op: 'outside', low: 207, high: 253, minDurationSeconds: 0 },
  clear: { low: 209, high: 251, minDurationSeconds: 0 },
};

/** Feeds (second, value) pairs; returns the transitions with times in seconds. */
function run(rule: Rule, samples: [number, number][]): { kind: string; at: number; start: number }[] {
  const s = normalState();
  const out: { kind: string; at: number; start: number }[] = [];
  for (const [sec, v] of samples) {
    const t: RuleTransition | null = stepRule(rule, s, sec * 1000, v);
    if (t) out.push({ kind: t.kind, at: t.at / 1000, start: (t.kind === 'raise' ? t.episodeStart : t.clearStart) / 1000 });
  }
  return out;
}

describe('stepRule (event time, sample and hold)', () => {
  it('raises once the condition has held for the minimum duration, from the first reading of the run', () => {
    expect(run(overVoltage, [[0, 240], [10, 254], [40, 255], [69, 256], [70, 256], [80, 257]])).toEqual([{ kind: 'raise', at: 70, start: 10 }]);
  });

  it('a spike shorter than the minimum duration raises nothing', () => {
    expect(run(overVoltage, [[0, 254], [30, 260], [59, 258], [60, 240], [61, 254], [100, 252]])).toEqual([]);
  });

  it('clears only after the clear condition held for its duration; values inside the hysteresis band neither clear nor re-raise', () => {
    const samples: [number, number][] = [[0, 254], [60, 254]]; // raised at 60
    // Flapping between 251 and 254 around the raise threshold, never below 250: stays active.
    for (let t = 70; t < 400; t += 10) samples.push([t, t % 20 === 0 ? 251 : 254]);
    samples.push([400, 249], [420, 249], [430, 249], [440, 260]);
    expect(run(overVoltage, samples)).toEqual([
      { kind: 'raise', at: 60, start: 0 },
      { kind: 'clear', at: 430, start: 400 },
    ]);
  });

  it('a clear run broken by a value above the clear threshold starts again', () => {
    expect(run(overVoltage, [[0, 254], [60, 254], [100, 249], [120, 251], [130, 249], [150, 249], [160, 249]])).toEqual([
      { kind: 'raise', at: 60, start: 0 },
      { kind: 'clear', at: 160, start: 130 },
    ]);
  });

  it('outside a band with zero durations raises on the first reading out and clears on the first well inside', () => {
    expect(run(band, [[0, 230], [1, 206], [2, 208], [3, 252], [4, 210], [5, 254]])).toEqual([
      { kind: 'raise', at: 1, start: 1 },
      { kind: 'clear', at: 4, start: 4 },
      { kind: 'raise', at: 5, start: 5 },
    ]);
  });
});
