/** A failure counter that locks its key once it reaches `maxFailures` within the window. */
export interface ThrottlePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** Attempts that are free, then a doubling wait before each next one (see progressiveDelaySeconds). */
export interface ProgressivePolicy {
  freeAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  windowSeconds: number;
}

/** A key's counter now: failures in the current window and the seconds of lock left (0: not locked). */
export interface ThrottleState {
  failures: number;
  lockedForSeconds: number;
}

/**
 * Failed-login counters shared by every instance of the app (a per-process counter would let
 * an attacker multiply the limit by the number of replicas).
 */
export interface LoginThrottleStore {
  /** The state of each key that has a counter in its current window; others are absent (clean). */
  states(keys: string[], windowSeconds: number): Promise<Map<string, ThrottleState>>;
  /**
   * Atomically, so concurrent requests cannot slip through together: refuses when the key is
   * waiting out a delay, otherwise counts one attempt and sets the delay before the next one.
   * The count starts again when the window is over.
   */
  tryAttempt(key: string, policy: ProgressivePolicy): Promise<{ allowed: boolean; attempts: number; retryAfterSeconds: number }>;
  /**
   * Counts one failure against `key` and locks the key for `lockSeconds` once it reaches
   * `maxFailures`. A new window starts when the last one is over or a lock has run out, so a
   * served lock is a clean slate. Returns the failures in the current window and whether the
   * key is now locked.
   */
  recordFailure(key: string, policy: ThrottlePolicy): Promise<{ failures: number; locked: boolean }>;
  clear(key: string): Promise<void>;
}

/** DI token of the LoginThrottleStore. */
export const LOGIN_THROTTLE_STORE = Symbol('LOGIN_THROTTLE_STORE');
