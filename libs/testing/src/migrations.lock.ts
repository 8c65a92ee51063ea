import { readFileSync } from 'fs';
import { relative } from 'path';

/**
 * A shipped migration is never edited: a database that already ran it would not see the
 * edit, so the same code would leave two different schemas behind. A lock file beside each
 * lib's migrations lists every shipped migration's fingerprint (a digest of what it runs);
 * a unit spec compares the code against it. What is found wrong comes back as one line per
 * migration, saying what to do (an empty list: all is as shipped).
 *
 * A new migration is not in the lock yet: the line for it gives the entry to add.
 */
export function migrationsLockDrift(lockPath: string, fingerprints: ReadonlyMap<string, string>): string[] {
  const locked = JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, string>;
  const problems: string[] = [];
  const file = relative(process.cwd(), lockPath);
  for (const [id, fingerprint] of fingerprints) {
    const shipped = locked[id];
    if (shipped === undefined) {
      problems.push(`${id}: not in ${file} — a new migration: add "${id}": "${fingerprint}"`);
    } else if (shipped !== fingerprint) {
      problems.push(`${id}: changed after it shipped (${fingerprint} ≠ locked ${shipped}) — put it back and add a new migration for the change`);
    }
  }
  for (const id of Object.keys(locked)) {
    if (!fingerprints.has(id)) problems.push(`${id}: in ${file} but gone from the code — a shipped migration stays`);
  }
  return problems;
}
