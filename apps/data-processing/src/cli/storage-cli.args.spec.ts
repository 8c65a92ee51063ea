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

  it.each([
    [['reconcile', '--to', '2026-01-21'], '--from is required'],
    [['reconcile', '--from', 'yesterday', '--to', '2026-01-21'], '--from'],
    [['reconcile', '--from', '2026-01-22', '--to', '2026-01-21'], 'before'],
    [['backfill', '--from', '2026-01-20', '--to', '2026-01-21', '--source', 'mysql'], '--source'],
    [['reconcile', '--from', '2026-01-20', '--to', '2026-01-21', '--kind', 'gas'], '--kind'],
    [['reconcile', '--from', '2026-01-20', '--to', '2026-01-21', '--colour', 'red'], 'unknown option --colour'],
    [['explode'], 'unknown command'],
    [[], 'a command is required'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
