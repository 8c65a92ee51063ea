/**
 * Puts one source's readings back in timestamp order within a bounded lateness. Readings are
 * offered in arrival order; a reading is released (evaluated) once a reading at least
 * `latenessMs` newer has been seen, i.e. at or below the watermark `maxTs − latenessMs`.
 * A reading at or before the last released one arrived too late to be evaluated in order and
 * is refused (counted by the caller); a second reading with a timestamp still waiting replaces
 * the first (redelivery, or a corrected value).
 *
 * Released readings depend only on the order readings are offered in, not on how they are
 * grouped into batches.
 */
export class WatermarkBuffer<R extends { ts: number }> {
  private pending: R[] = [];
  private maxTs = Number.NEGATIVE_INFINITY;
  /** Timestamp of the last released reading (everything up to here has been evaluated). */
  releasedThrough = Number.NEGATIVE_INFINITY;

  constructor(private readonly latenessMs: number) {}

  get newest(): number {
    return this.maxTs;
  }

  get waiting(): number {
    return this.pending.length;
  }

  /** Starts from a known point (after a rebuild): nothing at or before `ts` will be released again. */
  resumeAfter(ts: number): void {
    this.releasedThrough = Math.max(this.releasedThrough, ts);
    this.maxTs = Math.max(this.maxTs, ts);
  }

  /** Offers a reading; returns false when it is too late, else the readings it releases, oldest first. */
  offer(r: R): R[] | false {
    if (r.ts <= this.releasedThrough) return false;
    const i = this.indexOf(r.ts);
    if (i < this.pending.length && this.pending[i]!.ts === r.ts) this.pending[i] = r;
    else this.pending.splice(i, 0, r);
    if (r.ts > this.maxTs) this.maxTs = r.ts;
    return this.release(this.maxTs - this.latenessMs);
  }

  /** Releases every reading at or before `watermark`. */
  release(watermark: number): R[] {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.ts <= watermark) n++;
    if (n === 0) return [];
    const out = this.pending.splice(0, n);
    this.releasedThrough = out[out.length - 1]!.ts;
    return out;
  }

  /** First index whose timestamp is ≥ ts (pending is sorted; appends are the common case). */
  private indexOf(ts: number): number {
    const p = this.pending;
    if (p.length === 0 || p[p.length - 1]!.ts < ts) return p.length;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
