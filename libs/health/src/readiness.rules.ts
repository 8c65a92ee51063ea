import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One probe's verdict, as a terminus indicator reports it. */
export type ProbeResult = HealthIndicatorResult[string];

/**
 * Which probes an instance cannot serve without. Each group in `requireOneOf` needs at least
 * one probe up (a group of one is a hard requirement); a probe that is down while every group
 * it belongs to still has another member up, or that belongs to no group, leaves the instance
 * ready but `degraded`.
 */
export interface ReadinessRules {
  requireOneOf: readonly (readonly string[])[];
}

/**
 * Applies the rules to the probes' results: a down probe that the instance can do without is
 * rewritten to `degraded` (naming what carries the load instead), so terminus answers 200 with
 * status `degraded`; a down probe it cannot do without stays `down`, and terminus answers 503.
 */
export function applyReadinessRules(results: Record<string, ProbeResult>, rules: ReadinessRules): Record<string, ProbeResult> {
  const isUp = (name: string): boolean => results[name]?.status === 'up' || results[name]?.status === 'degraded';
  const out: Record<string, ProbeResult> = {};
  for (const [name, result] of Object.entries(results)) {
    if (result.status !== 'down') {
      out[name] = result;
      continue;
    }
    const groups = rules.requireOneOf.filter((g) => g.includes(name));
    const covered = groups.every((g) => g.some((other) => other !== name && isUp(other)));
    if (!covered) {
      out[name] = result;
      continue;
    }
    const fallback = [...new Set(groups.flat().filter((other) => other !== name && isUp(other)))];
    const { status: _down, ...data } = result;
    out[name] = {
      ...data,
      status: 'degraded',
      ...(fallback.length > 0 ? { fallback } : { optional: true }),
    };
  }
  return out;
}
