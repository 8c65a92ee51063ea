import { CqlMigration, CqlMigrationError, migrationChecksum, planMigrations, sortMigrations } from './cql.migrations';

const m = (version: number, statements: string[] = [`CREATE TABLE IF NOT EXISTS t${version} (id int PRIMARY KEY)`]): CqlMigration => ({
  version,
  name: `m${version}`,
  statements,
});

describe('CQL migrations', () => {
  it('checksums ignore whitespace, a trailing semicolon and the name, but not content', () => {
    const a = m(1, ['CREATE TABLE x (id int PRIMARY KEY)']);
    const b = { ...m(1, ['  CREATE TABLE x\n   (id int PRIMARY KEY);  ']), name: 'renamed' };
    const c = m(1, ['CREATE TABLE x (id bigint PRIMARY KEY)']);
    expect(migrationChecksum(a)).toBe(migrationChecksum(b));
    expect(migrationChecksum(a)).not.toBe(migrationChecksum(c));
    expect(migrationChecksum(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sorts by version and rejects duplicates, bad versions and empty statements', () => {
    expect(sortMigrations([m(3), m(1), m(2)]).map((x) => x.version)).toEqual([1, 2, 3]);
    expect(() => sortMigrations([m(1), { ...m(1), name: 'other' }])).toThrow(/share version 1/);
    expect(() => sortMigrations([m(0)])).toThrow(CqlMigrationError);
    expect(() => sortMigrations([m(1.5)])).toThrow(/invalid version/);
    expect(() => sortMigrations([m(1, [])])).toThrow(/empty/);
    expect(() => sortMigrations([m(1, ['  '])])).toThrow(/empty/);
  });

  it('plans only what is not applied, in order, including gaps', () => {
    const applied = [1, 3].map((v) => ({ version: v, name: `m${v}`, checksum: migrationChecksum(m(v)) }));
    expect(planMigrations([m(4), m(3), m(2), m(1)], applied).map((x) => x.version)).toEqual([2, 4]);
    expect(planMigrations([m(1)], [])).toHaveLength(1);
    // Applied versions the code does not know (another app's) are left alone.
    expect(planMigrations([m(1)], [...applied, { version: 99, name: 'x', checksum: 'y' }])).toEqual([]);
  });

  it('refuses to start when an applied migration was edited', () => {
    const applied = [{ version: 1, name: 'm1', checksum: migrationChecksum(m(1)) }];
    expect(() => planMigrations([m(1, ['CREATE TABLE other (id int PRIMARY KEY)'])], applied)).toThrow(
      /migration 1 "m1" was changed after it was applied/,
    );
  });
});
