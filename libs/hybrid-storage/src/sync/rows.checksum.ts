import { createHash } from 'crypto';

/**
 * Order-independent digest of a set of rows given their canonical strings: the strings are
 * sorted, so two stores holding the same rows agree whatever order they return them in.
 */
export function rowsChecksum(canonicalRows: readonly string[]): string {
  const h = createHash('sha256');
  for (const line of [...canonicalRows].sort()) h.update(line).update('\n');
  return h.digest('hex').slice(0, 16);
}
