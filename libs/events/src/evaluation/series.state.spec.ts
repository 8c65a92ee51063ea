import type { AlarmRule } from '../domain/alarm-rule.model';
import { MeterSeries, SensorSeries } from './series.state';

const rule = (over: Partial<AlarmRule> = {}): AlarmRule => ({
  id: 'rule-1',
  builtin: null,
  name: 'over',
  description: null,
  enabled: true,
  selector: { sensorType: 'voltage' },
  condition: { op: 'above', threshold: 253, minDurationSeconds: 60 },
  clear: { threshold: 250, minDurationSeconds: 30 },
  severity: 'major',
  version: 1,
  activeFrom: new Date(0),
  createdAt: new Date(0),
  createdBy: 't',
  updatedAt: new Date(0),
  updatedBy: 't',
  ...over,
});

describe('SensorSeries', () => {
  it('evaluates out-of-order readings within the lateness window in timestamp order', () => {
    const r = rule();
    const inOrder = new SensorSeries('S', 5000);
    const shuffled = new SensorSeries('S', 5000);
    const samples = [0, 10, 20, 30, 40, 50, 60, 70, 80].map((s) => ({ ts: s * 1000, value: 255, sensorType: 'voltage' }));
    const a = samples.flatMap((s) => inOrder.offer(s, () => [r]).transitions);
    const order = [1, 0, 3, 2, 4, 6, 5, 8, 7];
    const b = order.flatMap((i) => shuffled.offer(samples[i]!, () => [r]).transitions);
    expect(a).toEqual(b);
    expect(a).toEqual([{ kind: 'raise', ruleId: 'rule-1', episodeStart: 0, at: 60_000, value: 255 }]);
  });

  it('ignores readings timestamped before the rule became active', () => {
    const r = rule({ activeFrom: new Date(50_000) });
    const s = new SensorSeries('S', 0);
    const out = [0, 20, 40, 60, 80, 100].flatMap((sec) => s.offer({ ts: sec * 1000, value: 260, sensorType: 'voltage' }, () => [r]).transitions);
    expect(out).toEqual([{ kind: 'raise', ruleId: 'rule-1', episodeStart: 60_000, at: 120_000, value: 260 }].slice(0, 0));
    const more = s.offer({ ts: 120_000, value: 260, sensorType: 'voltage' }, () => [r]).transitions;
    expect(more).toEqual([{ kind: 'raise', ruleId: 'rule-1', episodeStart: 60_000, at: 120_000, value: 260 }]);
  });
});

describe('MeterSeries', () => {
  const checks = { resetMaxKwh: 1, backwardsToleranceKwh: 0.001 };
  it('tells a register reset from a register running backwards, tolerating rounding', () => {
    const m = new MeterSeries('M', 0);
    const offer = (t: number, kwh: number) => m.offer({ ts: t * 60_000, energyKwh: kwh, customerId: 'C' }, checks).detections.map((d) => d.kind);
    expect(offer(0, 100)).toEqual([]);
    expect(offer(15, 100.5)).toEqual([]);
    expect(offer(30, 100.4995)).toEqual([]);
    expect(offer(45, 99)).toEqual(['backwards']);
    expect(offer(60, 0.2)).toEqual(['reset']);
    expect(offer(75, 0.4)).toEqual([]);
    expect(m.intervalMs).toBe(15 * 60_000);
  });
});
