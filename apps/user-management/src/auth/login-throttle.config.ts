import { registerAs } from '@nestjs/config';

function positiveInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`Invalid configuration:\n  - ${name}: must be an integer from 1 to ${max}`);
  }
  return n;
}

/**
 * Failed-login throttling. A username is locked after LOGIN_MAX_FAILURES_PER_USER failures,
 * a client address after LOGIN_MAX_FAILURES_PER_CLIENT (across usernames), each counted over
 * LOGIN_FAILURE_WINDOW_SECONDS; a lock lasts LOGIN_LOCK_SECONDS.
 */
export const loginThrottleConfig = registerAs('loginThrottle', () => ({
  maxFailuresPerUser: positiveInt('LOGIN_MAX_FAILURES_PER_USER', 5, 1000),
  maxFailuresPerClient: positiveInt('LOGIN_MAX_FAILURES_PER_CLIENT', 20, 100_000),
  windowSeconds: positiveInt('LOGIN_FAILURE_WINDOW_SECONDS', 900, 86_400),
  lockSeconds: positiveInt('LOGIN_LOCK_SECONDS', 900, 86_400),
}));
