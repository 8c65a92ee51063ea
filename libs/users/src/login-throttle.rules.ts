import type { ProgressivePolicy, ThrottleState } from './ports/login-throttle-store.port';

/**
 * Login throttling that strangers cannot turn into a lock-out. Three counters:
 * - per (username, client address): a few free attempts, then a doubling wait before each
 *   next one (1 s, 2 s, 4 s … up to a cap): guessing one account from one address is slow,
 *   and only that address waits;
 * - per client address, across usernames: a ceiling, then the address is locked (a scanner);
 * - per username, across addresses: a ceiling set far above what one attacker from a few
 *   addresses reaches; past it the username is "guarded": only addresses that have not failed
 *   for it may still try, so its owner signs in from a clean client while a distributed attack
 *   goes on.
 */
export interface LoginThrottlePolicy {
  /** Per (username, client address). */
  pair: ProgressivePolicy;
  maxFailuresPerClient: number;
  maxFailuresPerUser: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** The wait after the `attempts`-th attempt in a window (0 while attempts are free). */
export function progressiveDelaySeconds(attempts: number, p: ProgressivePolicy): number {
  const over = attempts - p.freeAttempts;
  if (over <= 0) return 0;
  // 2^30 s is far beyond any cap; it also keeps the power finite.
  return Math.min(p.maxDelaySeconds, p.baseDelaySeconds * 2 ** Math.min(over - 1, 30));
}

/** Counter keys of one attempt. Client addresses contain no space; usernames are compared in lower case. */
export function throttleKeys(username: string, clientAddress: string | null): { user: string; client: string; pair: string } {
  const user = username.toLowerCase();
  const client = clientAddress ?? 'unknown';
  return { user: `user:${user}`, client: `client:${client}`, pair: `pair:${client} ${user}` };
}

export type ThrottledBy = 'client' | 'username' | 'username+client';

/**
 * Whether an attempt is refused before the password is looked at, from the counters' states:
 * the client is locked, or the username is guarded and this client has failed for it.
 */
export function refusedBeforeAttempt(
  states: Map<string, ThrottleState>,
  keys: { user: string; client: string; pair: string },
): { by: ThrottledBy; retryAfterSeconds: number } | null {
  const client = states.get(keys.client);
  if (client && client.lockedForSeconds > 0) return { by: 'client', retryAfterSeconds: client.lockedForSeconds };
  const user = states.get(keys.user);
  const pair = states.get(keys.pair);
  if (user && user.lockedForSeconds > 0 && pair && pair.failures > 0) return { by: 'username', retryAfterSeconds: user.lockedForSeconds };
  return null;
}
