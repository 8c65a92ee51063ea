import { CassandraBacklogStore, CassandraQuarantineStore } from '@smartgrid/cassandra';
import { NewBacklogEntry, QuarantineService, SensorReading, Stamped } from '@smartgrid/hybrid-storage';
import { PostgresQuarantineStore } from '@smartgrid/postgres';
import { Harness, pgCount, startHarness } from './support/hybrid-storage-harness';

/**
 * A record PostgreSQL refuses must never jam replication (issue: one `\u0000` held 75,118
 * readings back). The refused row is injected straight into the Cassandra-held backlog — the
 * decoder would never let it in — ahead of 10,000 valid rows: one pass quarantines exactly the
 * refused row and delivers everything else.
 */
describe('quarantine of rows a store refuses (real servers)', () => {
  let h: Harness;
  const BASE = Date.now() - 3_600_000;

  const row = (i: number, sensorId = `Q-${i % 20}`): Stamped<SensorReading> => ({
    sensorId,
    sensorType: 'voltage',
    value: 230 + (i % 10) / 10,
    unit: 'V',
    timestamp: new Date(BASE + i * 1000),
    writtenAtUs: Date.now() * 1000,
  });

  beforeAll(async () => {
    h = await startHarness({ replay: { enabled: false, entriesPerClaim: 8 } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('quarantines the refused row and replays the rest of its entry and the 10,000 rows behind it', async () => {
    const backlog = h.ctx.get(CassandraBacklogStore);
    // PostgreSQL's text type refuses NUL (SQLSTATE 22021).
    const poisoned = [row(0), row(1, 'Q-\u0000-bad'), row(2)];
    const behind: NewBacklogEntry[] = [];
    for (let e = 0; e < 20; e++) {
      behind.push({ kind: 'sensor', target: 'postgres', reason: 'postgres was down', rows: Array.from({ length: 500 }, (_, k) => row(100 + e * 500 + k)) });
    }
    await backlog.append([{ kind: 'sensor', target: 'postgres', reason: 'postgres was down', rows: poisoned }]);
    await backlog.append(behind);

    const report = await h.replayer.drainNow();
    expect(report.targets.find((t) => t.target === 'postgres')).toMatchObject({ state: 'drained', entries: 21, rows: 10_002, quarantinedRows: 1, deferred: 0 });
    expect(await pgCount(h, 'sensor_data', 'Q-')).toBe(10_002);
    expect((await h.storage.getBacklogStatus()).targets.postgres.entries).toBe(0);

    const quarantine = h.ctx.get(QuarantineService);
    const status = await quarantine.status();
    expect(status).toMatchObject({ entries: 1, rows: 1, targets: { postgres: { entries: 1, rows: 1 }, cassandra: { entries: 0 } } });
    const page = await quarantine.list({ limit: 10 });
    expect(page.items).toEqual([
      expect.objectContaining({ target: 'postgres', heldIn: 'cassandra', kind: 'sensor', rowCount: 1, attempts: 1, reason: expect.stringContaining('SQLSTATE 22021') }),
    ]);
    expect(page.items[0]!.sample).toEqual([{ id: 'Q-\u0000-bad', timestamp: new Date(BASE + 1000) }]);
  });

  it('a retry that PostgreSQL still refuses keeps the entry; discarding removes it', async () => {
    const quarantine = h.ctx.get(QuarantineService);
    const [item] = (await quarantine.list({ limit: 1 })).items;
    const retried = await quarantine.retry(item!.id);
    expect(retried).toMatchObject({ state: 'refused', refusedRows: 1, item: { retries: 1 } });
    expect((await quarantine.get(item!.id)).lastError).toContain('22021');
    await quarantine.discard(item!.id);
    expect((await quarantine.status()).entries).toBe(0);
  });

  it('each store keeps rows the other refused: PostgreSQL for Cassandra, Cassandra for PostgreSQL', async () => {
    const pgHeld = h.ctx.get(PostgresQuarantineStore);
    const csHeld = h.ctx.get(CassandraQuarantineStore);
    const entry = { kind: 'sensor' as const, rows: [row(5)], reason: 'test', attempts: 0, firstFailedAt: new Date() };
    const [a] = await pgHeld.add([{ ...entry, target: 'cassandra' }]);
    const [b] = await csHeld.add([{ ...entry, target: 'postgres', rows: [row(6, 'Q-\ud800')] }]);
    expect((await pgHeld.get(a!))?.rows).toEqual([row(5)].map((r) => ({ ...r, writtenAtUs: expect.any(Number) })));
    // Text the stores cannot hold travels safely inside the holding area's payload.
    expect((await csHeld.get(b!))?.rows[0]).toMatchObject({ sensorId: 'Q-\ud800' });
    const quarantine = h.ctx.get(QuarantineService);
    expect((await quarantine.status()).targets).toMatchObject({ cassandra: { entries: 1 }, postgres: { entries: 1 } });
    // A retry into Cassandra succeeds (it accepts that row): the entry is gone.
    expect(await quarantine.retry(`postgres.${a}`)).toMatchObject({ state: 'replayed' });
    await quarantine.discard(`cassandra.${b}`);
    expect((await quarantine.status()).entries).toBe(0);
  });
});
