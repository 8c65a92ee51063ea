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

interface SpawnedChild {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnChildApp(env: Record<string, string>, preload: string[]): SpawnedChild {
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
  return { proc, output: () => out, exited };
}

/**
 * Starts data-processing in a child process that is expected to end by itself (e.g. killed by
 * a preload hook): resolves with its exit and output, whether or not it reached READY first —
 * a batch produced before the start may be consumed before the app reports READY.
 */
export async function runChildAppToExit(
  env: Record<string, string>,
  preload: string[],
  timeoutMs = 180_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawnChildApp(env, preload);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const ended = await child.exited;
  clearTimeout(timer);
  return { ...ended, output: child.output() };
}

/**
 * Starts data-processing in a child process and resolves once it is READY (or rejects with its
 * output). `preload` modules are loaded with `node -r` (test hooks live there, not in src).
 */
export function startChildApp(env: Record<string, string>, timeoutMs = 120_000, preload: string[] = []): Promise<ChildApp> {
  const { proc, output, exited } = spawnChildApp(env, preload);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child app not ready after ${timeoutMs} ms:\n${output().slice(-4000)}`));
    }, timeoutMs);
    const onData = (): void => {
      const m = /READY (\d+)/.exec(output());
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      const port = Number(m[1]);
      resolve({ proc, port, baseUrl: `http://127.0.0.1:${port}`, output, exited });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`child app exited (${code ?? signal}) before READY:\n${output().slice(-4000)}`));
    });
  });
}
