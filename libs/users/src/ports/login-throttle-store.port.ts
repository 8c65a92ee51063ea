export interface ThrottlePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * Failed-login counters shared by every instance of the app (a per-process counter would let
 * an attacker multiply the limit by the number of replicas).
 */
export interface LoginThrottleStore {
  /** For each key still locked, the seconds left; keys not locked are absent. */
  lockedFor(keys: string[]): Promise<Map<string, number>>;
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
