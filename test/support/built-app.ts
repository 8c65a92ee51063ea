import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, readFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';
import { REPO_ROOT } from '@smartgrid/testing';

/** A free loopback port (for an app that must be given one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A built app (`npm run build` first) started the way operators start it
 * (infra/runtime/start-app.sh: bounded heap), in a child process logging to a file, on a
 * given port. Used by the fault drill and the benches, which need the real process to kill
 * or to measure.
 */
export class BuiltApp {
  private proc: ChildProcess | undefined;

  constructor(
    private readonly app: 'data-processing' | 'user-management',
    private readonly env: Record<string, string>,
    readonly port: number,
    private readonly logFile: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts it and resolves once /health/ready answers 200. */
  async start(timeoutMs = 180_000): Promise<void> {
    const out = createWriteStream(this.logFile, { flags: 'a' });
    this.proc = spawn(join(REPO_ROOT, 'infra/runtime/start-app.sh'), [this.app], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.pipe(out);
    this.proc.stderr!.pipe(out);
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`${this.app} exited (${this.proc.exitCode}); see ${this.logFile}`);
      try {
        if ((await fetch(`${this.baseUrl}/health/ready`)).status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`${this.app} not ready after ${timeoutMs / 1000} s; see ${this.logFile}`);
      await sleep(500);
    }
  }

  kill(): void {
    this.proc?.kill('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.exited();
    await this.start();
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc?.kill('SIGKILL'), 30_000);
    await this.exited();
    clearTimeout(killer);
  }

  /** Resident set size now, and its peak so far (VmRSS, VmHWM), in MiB. */
  memory(): { rssMb: number; peakMb: number } {
    const status = readFileSync(`/proc/${this.proc!.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  }

  private exited(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => p.once('exit', () => resolve()));
  }
}
