import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { logChildOutput, REPO_ROOT } from '@smartgrid/testing';

export interface ChildApp {
  proc: ChildProcess;
  port: number;
  baseUrl: string;
  /** stdout + stderr so far, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const SUPPORT = join(REPO_ROOT, 'apps/data-processing/test/support');

/** A preload that SIGKILLs the child at its first offset commit (see kill-before-commit.preload.js). */
export const KILL_BEFORE_COMMIT = join(SUPPORT, 'kill-before-commit.preload.js');

/**
 * Starts data-processing in a child process and resolves once it is READY (or rejects with its
 * output). `preload` modules are loaded with `node -r` (test hooks live there, not in src).
 */
export function startChildApp(env: Record<string, string>, timeoutMs = 120_000, preload: string[] = []): Promise<ChildApp> {
  const args = ['--no-warnings', '-r', join(REPO_ROOT, 'infra/runtime/register-ts.js'), ...preload.flatMap((p) => ['-r', p]), join(SUPPORT, 'run-app.ts')];
  const proc = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TEST_APP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  logChildOutput('data-processing', proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child app not ready after ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    const onData = (): void => {
      const m = /READY (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      const port = Number(m[1]);
      resolve({ proc, port, baseUrl: `http://127.0.0.1:${port}`, output: () => out, exited });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`child app exited (${code ?? signal}) before READY:\n${out.slice(-4000)}`));
    });
  });
}
