import { main } from '../../apps/data-processing/src/cli/storage-cli';
import { BASE, cassandraCount, Harness, sensorBatch, startHarness } from './support/hybrid-storage-harness';

/** The storage CLI end to end, against this file's own database and keyspace. */
describe('storage CLI', () => {
  let h: Harness;
  let stdout: string[];
  let stderr: string[];
  let spies: jest.SpyInstance[];

  const cli = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    stdout = [];
    stderr = [];
    const code = await main(argv);
    return { code, out: stdout.join(''), err: stderr.join('') };
  };

  beforeAll(async () => {
    h = await startHarness({ replay: { enabled: false } });
    spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true)),
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true)),
    ];
  });

  afterAll(async () => {
    spies?.forEach((s) => s.mockRestore());
    await h?.close();
  });

  it('reconcile reports a difference with progress, and --repair fixes it', async () => {
    await h.storage.storeSensorDataBatch(sensorBatch(3, 20, BASE, 'CLI'));
    await h.cassandra.execute(
      'DELETE FROM sensor_readings_by_day WHERE sensor_id = ? AND day = ? AND ts = ?',
      ['CLI-2', '2026-01-15', new Date(BASE + 60_000)],
      { prepare: true },
    );
    const range = ['--from', '2026-01-15', '--to', '2026-01-16', '--kind', 'sensor'];

    const check = await cli('reconcile', ...range);
    expect(check.code).toBe(2);
    expect(check.out).toContain('units 3, out of sync 1');
    expect(check.out).toMatch(/sensor\tCLI-2\t2026-01-15\t20\t[0-9a-f]{16}\t19\t[0-9a-f]{16}\t0\t1\t0\tDIFF/);
    expect(check.err).toContain('[reconcile sensor] 3/3 (100%)');

    const fix = await cli('reconcile', ...range, '--repair');
    expect(fix.code).toBe(0);
    expect(fix.out).toContain('repaired: postgres 0 rows, cassandra 1 rows');
    expect(await cassandraCount(h, 'sensor', ['CLI-2'], ['2026-01-15'])).toBe(20);

    expect((await cli('reconcile', ...range)).code).toBe(0);
  });

  it('backfill copies a range and prints progress; status and replay report the backlog', async () => {
    await h.storage.storeSensorDataBatch(sensorBatch(2, 10, BASE + 3_600_000, 'CLB'), { target: 'postgres' });
    const r = await cli('backfill', '--from', '2026-01-15T01:00:00Z', '--to', '2026-01-15T02:00:00Z', '--source', 'postgres', '--ids', 'CLB-0,CLB-1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('sensor: 2 series, 2 series-days, 20 rows copied postgres -> cassandra');
    expect(r.err).toContain('[backfill sensor] 2/2 (100%)');
    expect(await cassandraCount(h, 'sensor', ['CLB-0', 'CLB-1'], ['2026-01-15'])).toBe(20);

    const status = await cli('status', '--json');
    expect(JSON.parse(status.out)).toMatchObject({ entries: 0, rows: 0 });
    const replay = await cli('replay');
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('backlog now 0 entries');
  });

  it('refuses bad arguments with usage', async () => {
    const r = await cli('reconcile', '--from', '2026-01-15');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--to is required');
    expect(r.err).toContain('Usage:');
  });
});
