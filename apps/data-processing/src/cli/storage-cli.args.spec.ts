import { CliUsageError, parseCliArgs } from './storage-cli.args';

describe('parseCliArgs', () => {
  it('parses reconcile with dates, repair and filters', () => {
    expect(parseCliArgs(['reconcile', '--from', '2026-01-20', '--to=2026-01-21T00:00:00Z', '--repair', '--kind', 'sensor', '--ids', 'S-1, S-2'])).toEqual({
      name: 'reconcile',
      from: new Date('2026-01-20T00:00:00Z'),
      to: new Date('2026-01-21T00:00:00Z'),
      repair: true,
      all: false,
      kinds: ['sensor'],
      ids: ['S-1', 'S-2'],
      json: false,
    });
  });

  it('backfill targets the other store by default', () => {
    expect(parseCliArgs(['backfill', '--from', '2026-01-20', '--to', '2026-01-21', '--source', 'cassandra'])).toMatchObject({
      source: 'cassandra',
      target: 'postgres',
    });
  });

  it('parses the quarantine commands', () => {
    expect(parseCliArgs(['quarantine', 'list'])).toEqual({ name: 'quarantine', action: 'list', limit: 50, json: false });
    expect(parseCliArgs(['quarantine', 'list', '--target', 'postgres', '--limit', '5', '--json'])).toEqual({
      name: 'quarantine',
      action: 'list',
      target: 'postgres',
      limit: 5,
      json: true,
    });
    expect(parseCliArgs(['quarantine', 'retry', 'cassandra.2f1c6e80-cf3a-11f0-8de9-0242ac120002'])).toEqual({
      name: 'quarantine',
      action: 'retry',
      id: 'cassandra.2f1c6e80-cf3a-11f0-8de9-0242ac120002',
      json: false,
    });
    expect(parseCliArgs(['quarantine', 'discard', 'postgres.17'])).toMatchObject({ action: 'discard', id: 'postgres.17' });
  });

  it.each([
    [['reconcile', '--to', '2026-01-21'], '--from is required'],
    [['reconcile', '--from', 'yesterday', '--to', '2026-01-21'], '--from'],
    [['reconcile', '--from', '2026-01-22', '--to', '2026-01-21'], 'before'],
    [['backfill', '--from', '2026-01-20', '--to', '2026-01-21', '--source', 'mysql'], '--source'],
    [['reconcile', '--from', '2026-01-20', '--to', '2026-01-21', '--kind', 'gas'], '--kind'],
    [['reconcile', '--from', '2026-01-20', '--to', '2026-01-21', '--colour', 'red'], 'unknown option --colour'],
    [['explode'], 'unknown command'],
    [['quarantine'], 'needs an action'],
    [['quarantine', 'retry'], 'needs an entry id'],
    [['quarantine', 'discard', '42'], 'needs an entry id'],
    [['quarantine', 'list', '--limit', '0'], '--limit'],
    [['quarantine', 'list', '--target', 'mysql'], '--target'],
    [[], 'a command is required'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
