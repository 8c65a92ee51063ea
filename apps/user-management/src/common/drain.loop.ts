export interface DrainLoopOptions {
  /** One pass: moves everything waiting, or throws (the pass is then retried after a pause). */
  drain: () => Promise<void>;
  /** First pause after a failed pass; each further failure doubles it up to `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
  /** Look again this long after a pass that worked; unset: only when notified. */
  idlePollMs?: number;
  /** A pass failed; `first` when the one before it worked (one warning per outage, not per retry). */
  failed: (e: unknown, first: boolean) => void;
}

/**
 * Drains an outbox-like backlog in the background, one pass at a time: `notify` asks for a
 * pass soon (several calls while one runs collapse into one more), a failed pass is retried
 * with back-off, and shutdown waits for the pass in flight. The caller owns what a pass does
 * and how a failure is reported.
 */
export class DrainLoop {
  private running: Promise<void> | null = null;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private stopped = false;

  constructor(private readonly options: DrainLoopOptions) {}

  notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.options
      .drain()
      .then(() => {
        this.backoffMs = 0;
      })
      .catch((e: unknown) => {
        this.options.failed(e, this.backoffMs === 0);
        const { initialMs, maxMs } = this.options.backoff;
        this.backoffMs = Math.min(maxMs, this.backoffMs ? this.backoffMs * 2 : initialMs);
      })
      .finally(() => {
        this.running = null;
        if (this.backoffMs > 0) this.schedule(this.backoffMs);
        else if (this.rerun) {
          this.rerun = false;
          this.notify();
        } else if (this.options.idlePollMs !== undefined) this.schedule(this.options.idlePollMs);
      });
  }

  /** Part of a pass worked: a failure later in it starts the back-off afresh. */
  progressed(): void {
    this.backoffMs = 0;
  }

  /** Runs a pass now, past any back-off, and waits until it (and any in flight) ended. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.backoffMs = 0;
    this.notify();
    while (this.running) await this.running;
  }

  /** No more passes; waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.notify(), ms);
    this.timer.unref();
  }
}
