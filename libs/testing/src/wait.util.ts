/**
 * Polls `fn` until it returns a truthy value (which is returned) or the time is up; errors
 * thrown by `fn` count as "not yet". On timeout, rejects with the last error or value seen.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 30_000,
  intervalMs = 250,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waitFor(${what}) timed out after ${timeoutMs} ms; last result: ${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
