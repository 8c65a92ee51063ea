export interface DrainLoopOptions {
  /** One pass: moves everything waiting, or throws (the pass is then retried after a pause). */
  drain: () => Promise<void>;
  /** First pause after a failed pass; each further failure doubles it up to `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
  /** Look again this long after a pass that worked; unset: only when notified. */
  idlePollMs?: number;
  /** A pass failed; `first` when the one before it worked (one warning per outage, not per retry). */
  failed: (e: unknown, first: boolean) => void;
  /** A pass worked after one or more had failed (to say so once, like `failed`'s first). */
  recovered?: () => void;
}

/**
 * Runs a background job in passes, one at a time, and stops cleanly: an outbox-like backlog
 * drained when notified (the audit mirror, the token revocation outbox), or periodic work
 * polled every `idlePollMs` (the backlog replayer, the events watcher, the registry sync).
 * `notify` asks for a pass soon (several calls while one runs collapse into one more), a
 * failed pass is retried with back-off, and shutdown waits for the pass in flight. The caller
 * owns what a pass does and how a failure is reported.
 */
export class DrainLoop {
  private running: Promise<void> | null = null;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private failing = false;
  private stoppedFlag = false;

  constructor(private readonly options: DrainLoopOptions) {}

  /** Periodic work: a pass `intervalMs` after the previous one ended, whether it worked or not. */
  static every(intervalMs: number, options: Pick<DrainLoopOptions, 'drain' | 'failed' | 'recovered'>): DrainLoop {
    return new DrainLoop({ ...options, backoff: { initialMs: intervalMs, maxMs: intervalMs }, idlePollMs: intervalMs });
  }

  /** True once `stop` was called (until `start`): a long pass checks it to end early. */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /**
   * Starts the passes, or starts them again after `stop`: the first in `delayMs`. Does
   * nothing while a pass runs or one is already due.
   */
  start(delayMs = 0): void {
    this.stoppedFlag = false;
    if (this.running || this.timer) return;
    this.schedule(delayMs);
  }

  notify(): void {
    if (this.stoppedFlag) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.options
      .drain()
      .then(() => {
        this.backoffMs = 0;
        if (this.failing) this.options.recovered?.();
        this.failing = false;
      })
      .catch((e: unknown) => {
        this.failing = true;
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
    this.stoppedFlag = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stoppedFlag) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.notify();
    }, ms);
    this.timer.unref();
  }
}
