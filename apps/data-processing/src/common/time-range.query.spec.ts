import { InvalidInputException } from '@smartgrid/http';
import { DAY, resolveIntervalRange, resolveRange, utcDay, utcDayEndExclusive } from './time-range.query';

describe('resolveRange', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');

  it('defaults to the span before now', () => {
    expect(resolveRange(undefined, undefined, DAY, 7 * DAY, now)).toEqual({ from: new Date('2026-11-25T12:00:00Z'), to: new Date(now) });
    expect(resolveRange(undefined, '2026-11-20T00:00:00Z', DAY, 7 * DAY, now).from).toEqual(new Date('2026-11-19T00:00:00Z'));
  });

  it.each([
    ['2026-11-26T00:00:00Z', '2026-11-26T00:00:00Z'],
    ['2026-11-27T00:00:00Z', '2026-11-26T00:00:00Z'],
    ['2026-01-01T00:00:00Z', '2026-11-26T00:00:00Z'],
  ])('refuses from=%s to=%s naming from', (from, to) => {
    try {
      resolveRange(from, to, DAY, 7 * DAY, now);
      throw new Error('expected a 400');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputException);
      expect((e as InvalidInputException).fields[0].field).toBe('from');
    }
  });
});

describe('resolveIntervalRange', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const limits = { hour: { defaultMs: DAY, maxMs: 7 * DAY }, day: { defaultMs: 30 * DAY, maxMs: 366 * DAY } };

  it("takes the default span of the interval asked for", () => {
    expect(resolveIntervalRange({}, 'hour', limits, now).from).toEqual(new Date('2026-11-25T12:00:00Z'));
    expect(resolveIntervalRange({}, 'day', limits, now).from).toEqual(new Date('2026-10-27T12:00:00Z'));
  });

  it("bounds the range by that interval's longest span", () => {
    const q = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    expect(resolveIntervalRange(q, 'day', limits, now)).toEqual({ from: new Date(q.from), to: new Date(q.to) });
    expect(() => resolveIntervalRange(q, 'hour', limits, now)).toThrow(InvalidInputException);
  });
});

describe('UTC days', () => {
  it('maps an instant to its day and a range end to the first day not covered', () => {
    expect(utcDay(new Date('2026-03-10T23:59:59Z'))).toBe('2026-03-10');
    expect(utcDayEndExclusive(new Date('2026-03-15T00:00:00Z'))).toBe('2026-03-15');
    expect(utcDayEndExclusive(new Date('2026-03-14T00:00:01Z'))).toBe('2026-03-15');
  });
});
