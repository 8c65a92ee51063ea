import { readFileSync } from 'fs';
import { setTimeout as sleep } from 'timers/promises';
import { runStack, ServerName } from '@smartgrid/testing';

export const FAULTS = ['postgres', 'cassandra', 'kafka', 'ferretdb', 'app', 'cassandra-hung'] as const;
export type FaultName = (typeof FAULTS)[number];

/** What the drill does to the app it is running, for the `app` fault. */
export interface AppControl {
  kill(): void;
  restart(): Promise<void>;
}

export interface FaultTiming {
  downSeconds: number;
  hangSeconds: number;
}

/** Main process id of a local server, from `infra/local/stack pid <server>`. */
export function serverPid(server: ServerName): number {
  const { status, output } = runStack(['pid', server], 30_000);
  const pid = Number(output.trim().split('\n').pop());
  if (status !== 0 || !Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${server}: ${output}`);
  return pid;
}

function startServerOrThrow(server: ServerName): void {
  const { status, output } = runStack(['up', server], 600_000);
  if (status !== 0) throw new Error(`infra/local/stack up ${server} failed:\n${output}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid`'s state is T (stopped): SIGSTOP has taken effect. */
function stopped(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('T') === true;
  } catch {
    return false;
  }
}

/**
 * Injects one fault and restores the component; resolves when it is back (or, for a hung
 * server, running again). Returns the moment of restoration.
 */
export async function injectAndRestore(fault: FaultName, app: AppControl, t: FaultTiming, log: (line: string) => void): Promise<number> {
  if (fault === 'app') {
    log('kill -9 data-processing');
    app.kill();
    await sleep(t.downSeconds * 1000);
    log('restarting data-processing');
    await app.restart();
    return Date.now();
  }
  if (fault === 'cassandra-hung') {
    const pid = serverPid('cassandra');
    log(`kill -STOP cassandra (pid ${pid}) for ${t.hangSeconds} s`);
    process.kill(pid, 'SIGSTOP');
    await waitUntil(() => stopped(pid), 10_000);
    await sleep(t.hangSeconds * 1000);
    log(`kill -CONT cassandra (pid ${pid})`);
    process.kill(pid, 'SIGCONT');
    return Date.now();
  }
  const server: ServerName = fault;
  const pid = serverPid(server);
  log(`kill -9 ${server} (pid ${pid})`);
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !alive(pid), 30_000);
  await sleep(t.downSeconds * 1000);
  log(`restarting ${server}`);
  startServerOrThrow(server);
  return Date.now();
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the fault to take effect');
    await sleep(100);
  }
}
