import { randomBytes } from 'crypto';
import { basename } from 'path';

const MAX_LENGTH = 48; // Cassandra's keyspace name limit, the tightest of the stores

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Short tag for the test file that is running (empty outside Jest). */
function testFileTag(): string {
  const state = typeof expect === 'function' ? expect.getState() : undefined;
  const file = state?.testPath ? basename(state.testPath).replace(/\.(e2e-)?spec\.ts$/, '') : '';
  return slug(file).slice(0, 16);
}

/**
 * A name no other test run uses, safe as a PostgreSQL database, Cassandra keyspace, MongoDB
 * database or Kafka topic part: lower-case letters, digits and `_`, starting with a letter,
 * at most 48 characters. Carries the test file's name so leftovers can be traced.
 */
export function uniqueName(prefix = 't'): string {
  let head = slug(prefix) || 't';
  if (!/^[a-z]/.test(head)) head = `t_${head}`;
  const suffix = randomBytes(5).toString('hex');
  const tag = testFileTag();
  const middle = tag ? `_${tag}` : '';
  const room = MAX_LENGTH - suffix.length - 1;
  return `${(head + middle).slice(0, room).replace(/_+$/, '')}_${suffix}`;
}
