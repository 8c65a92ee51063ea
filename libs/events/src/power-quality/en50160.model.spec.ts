import { assess, elapsedRange, EN50160_PROFILES, IntervalAccumulator, parseIsoWeek, parseYear, PeriodError } from './en50160.model';

describe('EN 50160 periods', () => {
  it('ISO weeks start on Monday 00:00 UTC (week 1 holds January 4th)', () => {
    expect(parseIsoWeek('2026-W47')).toMatchObject({ from: new Date('2026-11-16T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') });
    expect(parseIsoWeek('2026-W01').from).toEqual(new Date('2025-12-29T00:00:00Z'));
    expect(parseIsoWeek('2026-W53').from).toEqual(new Date('2026-12-28T00:00:00Z'));
    expect(() => parseIsoWeek('2025-W53')).toThrow(PeriodError);
    expect(() => parseIsoWeek('2026-47')).toThrow(PeriodError);
    expect(parseYear('2026')).toMatchObject({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
  });

  it('counts only elapsed intervals of a partial week', () => {
    const week = parseIsoWeek('2026-W47');
    const r = elapsedRange(week, 600, new Date('2026-11-17T00:05:00Z'));
    expect(r).toMatchObject({ expected: 144, notElapsed: 1008 - 144, to: new Date('2026-11-17T00:00:00Z') });
  });
});

describe('assess', () => {
  it('shares of measured 10-minute means within each limit, gaps reported apart, verdict on counts', () => {
    const week = parseIsoWeek('2026-W47');
    const acc = new IntervalAccumulator(600, week.from, week.to);
    const t0 = week.from.getTime();
    // 100 intervals: 94 at 230 V, 5 at 255 V (outside ±10 %), 1 at 200 V (inside +10/−15 %, outside ±10 %).
    for (let i = 0; i < 100; i++) {
      const v = i < 94 ? 230 : i < 99 ? 255 : 200;
      acc.add(t0 + i * 600_000 + 1000, v - 1);
      acc.add(t0 + i * 600_000 + 2000, v + 1);
    }
    const a = assess(EN50160_PROFILES.voltage, acc.summary([{ low: 207, high: 253 }, { low: 195.5, high: 253 }], false), { expected: 110, notElapsed: 0 });
    expect(a.measured).toBe(100);
    expect(a.missing).toBe(10);
    expect(a.limits.map((l) => [l.intervalsWithin, l.percentWithin, l.pass])).toEqual([
      [94, 94, false],
      [95, 95, false],
    ]);
    expect(a.verdict).toBe('fail');
  });
});
