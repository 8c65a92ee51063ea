import { spawnSync } from 'child_process';
import { join, resolve } from 'path';

/**
 * E2E specs run against the real local servers. Jest does not start them (the README's test
 * command does: `infra/local/stack up`); it only refuses to run, with a clear message, when one
 * is not up, instead of letting every spec fail on connection timeouts.
 */
export default async function globalSetup(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const res = spawnSync(join(root, 'infra/local/stack'), ['status'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (res.status === 0) return;
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? res.error.message : ''}`.trim();
  throw new Error(
    `E2E tests need every local server up, but \`infra/local/stack status\` says:\n${output}\n\n` +
      'Start them with `infra/local/stack up` (or `infra/local/stack up <server>`), then run the tests again.',
  );
}
