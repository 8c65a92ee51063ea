import type { ChildProcess } from 'child_process';
import type { Readable } from 'stream';

/** Set by the test-logs Jest environment (test/support) in every test file's process.env. */
export const TEST_OUTPUT_ENV = 'SMARTGRID_TEST_OUTPUT';

/**
 * In a test run, copies a child process's stdout and stderr to this process's stdout, line by
 * line, each line prefixed `[name pid]`: that is the test file's log (.local/test-logs/…), so
 * an app a test starts in a child process logs next to the test. Outside a test run (a bench
 * reusing the helper) it does nothing.
 */
export function logChildOutput(name: string, child: ChildProcess): void {
  if (!process.env[TEST_OUTPUT_ENV]) return;
  const prefix = `[${name} ${child.pid ?? '?'}] `;
  const follow = (stream: Readable | null): void => {
    if (!stream) return;
    let pending = '';
    stream.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) process.stdout.write(lines.map((l) => prefix + l).join('\n') + '\n');
    });
    stream.on('end', () => {
      if (pending) process.stdout.write(`${prefix}${pending}\n`);
      pending = '';
    });
  };
  follow(child.stdout);
  follow(child.stderr);
}
