import { InvalidInputException } from '@smartgrid/http';

export interface TimeRange {
  from: Date;
  to: Date;
}

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Resolves optional `from`/`to` query values (already checked as ISO-8601 by the DTO) into a
 * half-open range [from, to): defaults are `to` = now and `from` = `to` minus `defaultSpanMs`;
 * a range that is empty, reversed or longer than `maxSpanMs` is a 400 naming `from`.
 */
export function resolveRange(from: string | undefined, to: string | undefined, defaultSpanMs: number, maxSpanMs: number, now = Date.now()): TimeRange {
  const toDate = to === undefined ? new Date(now) : new Date(to);
  const fromDate = from === undefined ? new Date(toDate.getTime() - defaultSpanMs) : new Date(from);
  if (fromDate.getTime() >= toDate.getTime()) {
    throw new InvalidInputException([{ field: 'from', message: 'from must be before to' }]);
  }
  if (toDate.getTime() - fromDate.getTime() > maxSpanMs) {
    throw new InvalidInputException([{ field: 'from', message: `the range from..to may span at most ${describeSpan(maxSpanMs)}` }]);
  }
  return { from: fromDate, to: toDate };
}

/** The default and the longest span of a query's range. */
export interface SpanLimits {
  defaultMs: number;
  maxMs: number;
}

/** resolveRange with the limits of the interval asked for (coarser buckets allow longer ranges). */
export function resolveIntervalRange<I extends string>(q: { from?: string; to?: string }, interval: I, limits: Record<I, SpanLimits>, now = Date.now()): TimeRange {
  const { defaultMs, maxMs } = limits[interval];
  return resolveRange(q.from, q.to, defaultMs, maxMs, now);
}

function describeSpan(ms: number): string {
  return ms % DAY === 0 ? `${ms / DAY} days` : `${ms / HOUR} hours`;
}

/** UTC calendar day (YYYY-MM-DD) of an instant. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The UTC day after the one containing `d`, unless `d` is exactly midnight (half-open end). */
export function utcDayEndExclusive(d: Date): string {
  const midnight = d.getTime() % DAY === 0;
  return utcDay(midnight ? d : new Date(d.getTime() + DAY - (d.getTime() % DAY)));
}
