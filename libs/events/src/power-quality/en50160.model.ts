import type { Band, IntervalSummary } from '../ports/power-quality-series.port';

/**
 * EN 50160 limits for low-voltage supply (nominal 230 V, 50 Hz, synchronous connection to an
 * interconnected system):
 * - supply voltage: 95 % of the 10-minute mean r.m.s. values of each week within Un ± 10 %,
 *   and all of them within Un + 10 % / − 15 %;
 * - frequency: the 10-second mean within 50 Hz ± 1 % during 99.5 % of a year, and within
 *   50 Hz + 4 % / − 6 % all of the time.
 * Shares are of the intervals that have a measurement; intervals without one are reported,
 * not counted as passing or failing. Bounds are inclusive.
 */
export interface QualityLimit {
  name: string;
  low: number;
  high: number;
  /** Percentage of measured intervals that must lie within [low, high]. */
  requiredPercent: number;
}

export interface QualityProfile {
  sensorType: 'voltage' | 'frequency';
  nominal: number;
  unit: string;
  intervalSeconds: number;
  limits: QualityLimit[];
}

export const EN50160_PROFILES: Record<'voltage' | 'frequency', QualityProfile> = {
  voltage: {
    sensorType: 'voltage',
    nominal: 230,
    unit: 'V',
    intervalSeconds: 600,
    limits: [
      { name: 'Un ± 10 %', low: 207, high: 253, requiredPercent: 95 },
      { name: 'Un + 10 % / − 15 %', low: 195.5, high: 253, requiredPercent: 100 },
    ],
  },
  frequency: {
    sensorType: 'frequency',
    nominal: 50,
    unit: 'Hz',
    intervalSeconds: 10,
    limits: [
      { name: '50 Hz ± 1 %', low: 49.5, high: 50.5, requiredPercent: 99.5 },
      { name: '50 Hz + 4 % / − 6 %', low: 47, high: 52, requiredPercent: 100 },
    ],
  },
};

export interface ReportPeriod {
  kind: 'week' | 'year';
  /** `2026-W47` or `2026`. */
  label: string;
  from: Date;
  to: Date;
}

export class PeriodError extends Error {
  constructor(
    readonly field: 'week' | 'year',
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'PeriodError';
  }
}

const DAY = 86_400_000;

/** Number of ISO weeks in an ISO year (52, or 53 when it starts on a Thursday, or a Wednesday in a leap year). */
export function isoWeeksIn(year: number): number {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

/** The ISO week `YYYY-Www` as [Monday 00:00 UTC, next Monday 00:00 UTC). */
export function parseIsoWeek(label: string): ReportPeriod {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) throw new PeriodError('week', 'must be an ISO week like 2026-W47');
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2000 || year > 2100) throw new PeriodError('week', 'must be in the years 2000 to 2100');
  if (week < 1 || week > isoWeeksIn(year)) throw new PeriodError('week', `must be from W01 to W${isoWeeksIn(year)} in ${year}`);
  // Week 1 holds January 4th; its Monday starts the ISO year.
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const from = jan4 - jan4Weekday * DAY + (week - 1) * 7 * DAY;
  return { kind: 'week', label, from: new Date(from), to: new Date(from + 7 * DAY) };
}

/** The calendar year (UTC), as the standard states its yearly limits. */
export function parseYear(label: string): ReportPeriod {
  if (!/^\d{4}$/.test(label)) throw new PeriodError('year', 'must be a year like 2026');
  const year = Number(label);
  if (year < 2000 || year > 2100) throw new PeriodError('year', 'must be from 2000 to 2100');
  return { kind: 'year', label, from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) };
}

/** Intervals aligned on 2000-01-01T00:00:00Z (as PostgreSQL's date_bin buckets are). */
export const ALIGN_ORIGIN_MS = Date.UTC(2000, 0, 1);

/**
 * The part of a period that can have data by `now`: whole intervals up to the start of the one
 * in progress (it is not over yet), never past the period's end.
 */
export function elapsedRange(period: ReportPeriod, intervalSeconds: number, now: Date): { from: Date; to: Date; expected: number; notElapsed: number } {
  const len = intervalSeconds * 1000;
  const total = Math.round((period.to.getTime() - period.from.getTime()) / len);
  const current = ALIGN_ORIGIN_MS + Math.floor((now.getTime() - ALIGN_ORIGIN_MS) / len) * len;
  const end = Math.max(period.from.getTime(), Math.min(period.to.getTime(), current));
  const expected = Math.round((end - period.from.getTime()) / len);
  return { from: period.from, to: new Date(end), expected, notElapsed: total - expected };
}

/**
 * Interval means of raw readings, summarised like the store does (used when the report is
 * computed from Cassandra's readings, and as the oracle of the unit tests).
 */
export class IntervalAccumulator {
  private readonly sums = new Map<number, { sum: number; n: number }>();

  constructor(
    private readonly intervalSeconds: number,
    private readonly from: Date,
    private readonly to: Date,
  ) {}

  add(ts: number, value: number): void {
    if (ts < this.from.getTime() || ts >= this.to.getTime()) return;
    const len = this.intervalSeconds * 1000;
    const start = ALIGN_ORIGIN_MS + Math.floor((ts - ALIGN_ORIGIN_MS) / len) * len;
    const b = this.sums.get(start);
    if (b) {
      b.sum += value;
      b.n++;
    } else this.sums.set(start, { sum: value, n: 1 });
  }

  summary(bands: readonly Band[], withMeans: boolean): IntervalSummary {
    const starts = [...this.sums.keys()].sort((a, b) => a - b);
    const inBand = bands.map(() => 0);
    let min: number | null = null;
    let max: number | null = null;
    const means: NonNullable<IntervalSummary['means']> = [];
    for (const s of starts) {
      const { sum, n } = this.sums.get(s)!;
      const mean = sum / n;
      bands.forEach((b, i) => {
        if (mean >= b.low && mean <= b.high) inBand[i]!++;
      });
      min = min === null ? mean : Math.min(min, mean);
      max = max === null ? mean : Math.max(max, mean);
      if (withMeans) means.push({ start: new Date(s), mean, readings: n });
    }
    return { measured: starts.length, inBand, min, max, ...(withMeans ? { means } : {}) };
  }
}

export interface LimitResult extends QualityLimit {
  /** Measured intervals whose mean lies within the limit. */
  intervalsWithin: number;
  /** Their share of the measured intervals, in percent; null without measurements. */
  percentWithin: number | null;
  pass: boolean | null;
}

export type Verdict = 'pass' | 'fail' | 'no_data';

export interface QualityAssessment {
  expected: number;
  measured: number;
  missing: number;
  notElapsed: number;
  limits: LimitResult[];
  min: number | null;
  max: number | null;
  verdict: Verdict;
}

/** Applies a profile's limits to a summary of the elapsed part of a period. */
export function assess(profile: QualityProfile, summary: IntervalSummary, range: { expected: number; notElapsed: number }): QualityAssessment {
  const limits: LimitResult[] = profile.limits.map((l, i) => {
    const within = summary.inBand[i] ?? 0;
    const percent = summary.measured === 0 ? null : Math.round((within / summary.measured) * 100 * 1e4) / 1e4;
    // Compared on counts, not the rounded percentage: 100 % means every interval.
    const pass = summary.measured === 0 ? null : within * 100 >= l.requiredPercent * summary.measured;
    return { ...l, intervalsWithin: within, percentWithin: percent, pass };
  });
  const verdict: Verdict = summary.measured === 0 ? 'no_data' : limits.every((l) => l.pass) ? 'pass' : 'fail';
  return {
    expected: range.expected,
    measured: summary.measured,
    missing: Math.max(0, range.expected - summary.measured),
    notElapsed: range.notElapsed,
    limits,
    min: summary.min,
    max: summary.max,
    verdict,
  };
}
