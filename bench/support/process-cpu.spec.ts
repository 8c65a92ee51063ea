import { spawn } from 'child_process';
import { cpuMs, CpuSplit } from './process-cpu';

/** A child that burns `ms` of its own CPU time in a grandchild and itself, reports, then idles until killed. */
function burner(ms: number): Promise<{ pid: number; reported: () => Promise<number>; kill: () => void }> {
  const burn = `const until = ${ms} * 1000; while (process.cpuUsage().user + process.cpuUsage().system < until) {}`;
  const script = `
    const { spawnSync } = require('child_process');
    spawnSync(process.execPath, ['-e', ${JSON.stringify(burn)}]);   // a child burns and exits (reaped)
    ${burn}
    const u = process.cpuUsage();
    process.stdout.write(String((u.user + u.system) / 1000) + '\\n');
    setInterval(() => undefined, 1000);`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reported = new Promise<number>((resolve) => proc.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return Promise.resolve({ pid: proc.pid!, reported: () => reported, kill: () => proc.kill('SIGKILL') });
}

describe('process CPU accounting from /proc', () => {
  it('counts a process alone, or with the children it has reaped', async () => {
    const b = await burner(300);
    try {
      const own = await b.reported();
      expect(own).toBeGreaterThanOrEqual(300);
      // Clock ticks are 10 ms: allow one tick each way on the process's own time.
      expect(Math.abs(cpuMs(b.pid, false) - own)).toBeLessThanOrEqual(20);
      // The tree adds the reaped child's ≥ 300 ms (by its own count; /proc counts whole 10 ms
      // ticks and may round each process down a few of them).
      expect(cpuMs(b.pid, true)).toBeGreaterThanOrEqual(own + 250);
    } finally {
      b.kill();
    }
  });

  it('gives the CPU a named process used between construction and stop()', async () => {
    const split = new CpuSplit({ self: { pid: process.pid, tree: false } });
    const until = process.cpuUsage().user + process.cpuUsage().system + 200_000;
    while (process.cpuUsage().user + process.cpuUsage().system < until) {
      // burn 200 ms of CPU
    }
    expect(split.stop().self).toBeGreaterThanOrEqual(150);
  });

  it('reads a process that is gone as nothing', () => {
    expect(cpuMs(2 ** 22 + 12345)).toBe(0);
  });
});
