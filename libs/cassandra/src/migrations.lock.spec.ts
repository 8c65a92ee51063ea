import { join } from 'path';
import { migrationsLockDrift } from '@smartgrid/testing';
import { migrationChecksum } from './cql.migrations';
import { eventsCqlMigrations } from './events';
import { timeseriesCqlMigrations } from './timeseries';

// A cluster that ran a migration refuses to start on a changed one (CqlMigrator compares
// checksums); this catches the edit before it reaches a cluster. Keyed by version: the
// migration's name may change freely, its statements may not.
describe('shipped CQL migrations', () => {
  it('run what they ran when they shipped (migrations.lock.json)', () => {
    const fingerprints = new Map([...timeseriesCqlMigrations, ...eventsCqlMigrations].map((m) => [`v${m.version}`, migrationChecksum(m).slice(0, 16)]));
    expect(migrationsLockDrift(join(__dirname, 'migrations.lock.json'), fingerprints)).toEqual([]);
  });
});
