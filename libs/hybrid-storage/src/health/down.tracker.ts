/**
 * What this process has recently seen of a set of targets (the stores, the event delivery
 * targets): a target that failed is skipped (its work goes to a backlog) instead of each call
 * waiting for a timeout, except for one probe per `probeIntervalMs`; a success marks it up.
 */
export class DownTracker<N extends string> {
  protected readonly down = new Map<N, { since: Date; error: string; lastProbe: number }>();

  constructor(private readonly probeIntervalMs: number) {}

  markDown(name: N, error: string, now = Date.now()): void {
    const prev = this.down.get(name);
    this.down.set(name, { since: prev?.since ?? new Date(now), error, lastProbe: now });
  }

  markUp(name: N): void {
    this.down.delete(name);
  }

  isDown(name: N): boolean {
    return this.down.has(name);
  }

  /** Whether to skip `name` now; returns undefined once per probe interval (and records the probe). */
  shouldSkip(name: N, now = Date.now()): { since: Date; error: string } | undefined {
    const s = this.down.get(name);
    if (!s) return undefined;
    if (now - s.lastProbe >= this.probeIntervalMs) {
      s.lastProbe = now;
      return undefined;
    }
    return { since: s.since, error: s.error };
  }
}
