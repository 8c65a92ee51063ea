import { registerAs } from '@nestjs/config';
import type { LoginThrottlePolicy } from '@smartgrid/users';

function positiveInt(name: string, fallback: number, max: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`Invalid configuration:\n  - ${name}: must be an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * Failed-login throttling (see libs/users/src/login-throttle.rules.ts): per (username, client
 * address) LOGIN_FREE_ATTEMPTS attempts, then a wait from LOGIN_DELAY_BASE_SECONDS doubling
 * to LOGIN_DELAY_MAX_SECONDS; a client address locked for LOGIN_LOCK_SECONDS after
 * LOGIN_MAX_FAILURES_PER_CLIENT failures (any usernames); a username guarded for
 * LOGIN_LOCK_SECONDS after LOGIN_MAX_FAILURES_PER_USER failures (any addresses). Failures
 * count within LOGIN_FAILURE_WINDOW_SECONDS. Checked when the module starts: a bad value
 * stops start-up naming the variable.
 */
export const loginThrottleConfig = registerAs('loginThrottle', (): LoginThrottlePolicy => {
  const windowSeconds = positiveInt('LOGIN_FAILURE_WINDOW_SECONDS', 900, 86_400);
  return {
    pair: {
      freeAttempts: positiveInt('LOGIN_FREE_ATTEMPTS', 3, 100),
      baseDelaySeconds: positiveInt('LOGIN_DELAY_BASE_SECONDS', 1, 3600),
      maxDelaySeconds: positiveInt('LOGIN_DELAY_MAX_SECONDS', 900, 86_400),
      windowSeconds,
    },
    maxFailuresPerClient: positiveInt('LOGIN_MAX_FAILURES_PER_CLIENT', 30, 100_000),
    maxFailuresPerUser: positiveInt('LOGIN_MAX_FAILURES_PER_USER', 1000, 1_000_000),
    windowSeconds,
    lockSeconds: positiveInt('LOGIN_LOCK_SECONDS', 900, 86_400),
  };
});
