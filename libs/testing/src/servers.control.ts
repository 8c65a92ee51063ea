import { spawnSync } from 'child_process';
import { join, resolve } from 'path';

export type ServerName = 'postgres' | 'kafka' | 'cassandra' | 'ferretdb';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const STACK_SCRIPT = join(REPO_ROOT, 'infra/local/stack');

export interface StackResult {
  status: number;
  output: string;
}

/** Runs `infra/local/stack <args>` synchronously; never throws. */
export function runStack(args: string[], timeoutMs = 600_000): StackResult {
  const res = spawnSync(STACK_SCRIPT, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? `\n${res.error.message}` : ''}`;
  return { status: res.status ?? -1, output };
}

function runOrThrow(args: string[]): string {
  const { status, output } = runStack(args);
  if (status !== 0) throw new Error(`infra/local/stack ${args.join(' ')} exited ${status}:\n${output}`);
  return output;
}

/** Stops a real local server (`infra/local/stack down <name>`); throws with its output on failure. */
export function stopServer(name: ServerName): void {
  runOrThrow(['down', name]);
}

/** Starts a real local server and waits until it is ready (`infra/local/stack up <name>`). */
export function startServer(name: ServerName): void {
  runOrThrow(['up', name]);
}

/** Whether `infra/local/stack status <name>` reports the server up. */
export function isServerUp(name: ServerName): boolean {
  return runStack(['status', name], 60_000).status === 0;
}

/** Starts each of `servers` that is not running (another file's fault test may have one stopped). */
export function ensureServersUp(...servers: ServerName[]): void {
  for (const s of servers) if (!isServerUp(s)) startServer(s);
}

/**
 * A fault test's afterAll: whatever happened above, the servers it may have stopped run again
 * for everyone else; then `close` runs, even when a start failed.
 */
export async function restoreServersThen(servers: ServerName[], close: () => Promise<unknown> | undefined): Promise<void> {
  try {
    ensureServersUp(...servers);
  } finally {
    await close();
  }
}
