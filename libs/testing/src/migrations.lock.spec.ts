import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { migrationsLockDrift } from './migrations.lock';

describe('migrationsLockDrift', () => {
  const lock = join(mkdtempSync(join(tmpdir(), 'migrations-lock-')), 'migrations.lock.json');
  writeFileSync(lock, JSON.stringify({ A1: 'aaa', B2: 'bbb' }));

  it('is empty when the code runs what the lock lists', () => {
    expect(migrationsLockDrift(lock, new Map([['A1', 'aaa'], ['B2', 'bbb']]))).toEqual([]);
  });

  it('names a changed, a new and a removed migration, each with what to do', () => {
    const drift = migrationsLockDrift(lock, new Map([['A1', 'zzz'], ['C3', 'ccc']]));
    expect(drift).toHaveLength(3);
    expect(drift[0]).toMatch(/^A1: changed after it shipped \(zzz ≠ locked aaa\) — put it back and add a new migration/);
    expect(drift[1]).toMatch(/^C3: not in .*migrations\.lock\.json — a new migration: add "C3": "ccc"$/);
    expect(drift[2]).toMatch(/^B2: in .*migrations\.lock\.json but gone from the code/);
  });
});
