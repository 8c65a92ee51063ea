import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/**
 * CPU time by process tree, from /proc: how many core-milliseconds each server and the app
 * spent on a stretch of work, so a bench can say where the machine's cores went per reading
 * (and so what rate the cores allow at that cost, whatever the code above them does).
 */

const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

interface ProcStat {
  ppid: number;
  /** utime + stime of the process itself, and cutime + cstime of the children it has reaped, ticks. */
  own: number;
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state ppid ... utime(14) stime cutime cstime; comm may hold spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** CPU ms used so far by `root` alone (`tree` false) or with its live descendants and every child any of them has reaped. */
export function cpuMs(root: number, tree = true): number {
  if (!tree) {
    const s = readStat(root);
    return s ? s.own * TICK_MS : 0;
  }
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) stats.set(Number(entry), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let ticks = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    const s = stats.get(pid);
    if (!s) continue;
    ticks += s.own + s.reaped;
    todo.push(...(children.get(pid) ?? []));
  }
  return ticks * TICK_MS;
}

/** The main pids of the local servers (infra/local/stack pid); a server it does not run is left out. */
export function localServerPids(repoRoot: string): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const server of ['postgres', 'cassandra', 'kafka', 'ferretdb']) {
    try {
      const out = execFileSync(join(repoRoot, 'infra/local/stack'), ['pid', server], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (/^\d+$/.test(out)) pids[server] = Number(out);
    } catch {
      // not run by the local stack
    }
  }
  return pids;
}

/** A process to account for: its whole tree (a server with its workers, an app under a shell) or itself only. */
export interface Accounted {
  pid: number;
  tree: boolean;
}

/** CPU ms of named processes from construction to `stop()`. */
export class CpuSplit {
  private readonly before: Record<string, number>;

  constructor(private readonly trees: Record<string, Accounted>) {
    this.before = this.read();
  }

  stop(): Record<string, number> {
    const after = this.read();
    return Object.fromEntries(Object.keys(this.trees).map((name) => [name, after[name]! - this.before[name]!]));
  }

  private read(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.trees).map(([name, p]) => [name, cpuMs(p.pid, p.tree)]));
  }
}
