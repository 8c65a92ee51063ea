import { progressiveDelaySeconds, refusedBeforeAttempt, throttleKeys } from './login-throttle.rules';

describe('login throttling rules', () => {
  const pair = { freeAttempts: 3, baseDelaySeconds: 1, maxDelaySeconds: 900, windowSeconds: 900 };

  it('lets the first attempts through, then doubles the wait up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 13, 14, 50, 1e6].map((n) => progressiveDelaySeconds(n, pair))).toEqual([0, 0, 0, 1, 2, 4, 8, 512, 900, 900, 900]);
  });

  it('keys counters by username (any case) and client address', () => {
    expect(throttleKeys('Admin', '::ffff:127.0.0.2')).toEqual({ user: 'user:admin', client: 'client:::ffff:127.0.0.2', pair: 'pair:::ffff:127.0.0.2 admin' });
    expect(throttleKeys('x', null).client).toBe('client:unknown');
  });

  it('refuses a locked client, and a guarded username only from clients that failed for it', () => {
    const keys = throttleKeys('admin', '127.0.0.2');
    const clean = throttleKeys('admin', '127.0.0.9');
    const guarded = new Map([
      [keys.user, { failures: 1000, lockedForSeconds: 300 }],
      [keys.pair, { failures: 2, lockedForSeconds: 0 }],
    ]);
    expect(refusedBeforeAttempt(guarded, keys)).toEqual({ by: 'username', retryAfterSeconds: 300 });
    expect(refusedBeforeAttempt(new Map([[clean.user, { failures: 1000, lockedForSeconds: 300 }]]), clean)).toBeNull();
    expect(refusedBeforeAttempt(new Map([[keys.client, { failures: 30, lockedForSeconds: 60 }]]), keys)).toEqual({ by: 'client', retryAfterSeconds: 60 });
    expect(refusedBeforeAttempt(new Map([[keys.pair, { failures: 5, lockedForSeconds: 0 }]]), keys)).toBeNull();
  });
});
