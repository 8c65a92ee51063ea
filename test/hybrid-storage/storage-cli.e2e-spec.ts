import { CassandraBacklogStore } from '@smartgrid/cassandra';
import { prefixedTopic } from '@smartgrid/kafka';
import { waitFor } from '@smartgrid/testing';
import { Kafka, logLevel } from 'kafkajs';
import { main } from '../../apps/data-processing/src/cli/storage-cli.main';
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

  it('quarantine list, retry and discard; every command that changes data is on audit-events', async () => {
    // A row PostgreSQL refuses (NUL in its id), injected into the backlog Cassandra holds for it.
    await h.ctx.get(CassandraBacklogStore).append([
      { kind: 'sensor', target: 'postgres', reason: 'test', rows: [{ sensorId: 'CLQ-\u0000', sensorType: 'voltage', value: 1, timestamp: new Date(BASE), writtenAtUs: Date.now() * 1000 }] },
    ]);
    expect((await cli('replay')).out).toContain('postgres: drained, 1 entries, 0 rows');
    const list = await cli('quarantine', 'list', '--json');
    const [item] = JSON.parse(list.out).items as { id: string; target: string; rowCount: number }[];
    expect(item).toMatchObject({ target: 'postgres', rowCount: 1 });
    expect((await cli('quarantine', 'list')).out).toContain('quarantine: 1 entries, 1 rows');

    const retry = await cli('quarantine', 'retry', item!.id);
    expect(retry.code).toBe(1);
    expect(retry.out).toContain(`${item!.id}: refused, 1 rows still refused`);
    const discard = await cli('quarantine', 'discard', item!.id);
    expect(discard.code).toBe(0);
    expect((await cli('quarantine', 'list')).out).toContain('quarantine: 0 entries, 0 rows');

    const kafka = new Kafka({ clientId: 'cli-test', brokers: h.stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${h.stack.env.KAFKA_TOPIC_PREFIX}audit-reader` });
    const seen: { actor: string; action: string; resource: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: prefixedTopic(h.stack.env.KAFKA_TOPIC_PREFIX, 'audit-events'), fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(String(message.value))) });
      await waitFor(async () => seen.some((e) => e.action === 'storage.quarantine.discard'), 60_000, 250, 'discard audited');
    } finally {
      await consumer.disconnect();
    }
    const actions = seen.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['storage.backfill', 'storage.reconcile.repair', 'storage.replay', 'storage.quarantine.retry', 'storage.quarantine.discard']));
    expect(seen.every((e) => e.actor.startsWith('cli:'))).toBe(true);
    expect(seen.find((e) => e.action === 'storage.quarantine.discard')).toMatchObject({ resource: `storage/quarantine/${item!.id}` });
  });

  it('refuses bad arguments with usage', async () => {
    const r = await cli('reconcile', '--from', '2026-01-15');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--to is required');
    expect(r.err).toContain('Usage:');
  });
});
