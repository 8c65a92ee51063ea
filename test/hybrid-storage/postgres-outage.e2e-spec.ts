import { StorageReadError } from '@smartgrid/hybrid-storage';
import { restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import { BASE, cassandraCount, Harness, meterBatch, OUTAGE_SETTINGS, pgCount, sensorBatch, startHarness } from './support/hybrid-storage-harness';

/**
 * Stops the real PostgreSQL while writes continue: Cassandra keeps taking them, the misses
 * are recorded in the Cassandra-held backlog (PostgreSQL's own backlog is down with it), and
 * after PostgreSQL returns the replayer brings it up to date, creating the sensor, meter and
 * customer rows the foreign keys need.
 */
describe('fault: PostgreSQL stopped mid-run', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(OUTAGE_SETTINGS);
  });

  afterAll(() => restoreServersThen(['postgres'], () => h?.close()));

  it('writes to both stores while PostgreSQL is up', async () => {
    const r = await h.storage.storeSensorDataBatch(sensorBatch(5, 10, BASE, 'PO'));
    expect(r.storedIn.sort()).toEqual(['cassandra', 'postgres']);
  });

  it('keeps accepting writes in Cassandra while PostgreSQL is down; the backlog grows', async () => {
    stopServer('postgres');
    const got = await h.storage.getSensorData('PO-1', { from: BASE, to: BASE + 86_400_000 });
    expect(got.source).toBe('cassandra');
    await expect(h.storage.getSensorData('PO-1', { from: BASE, to: BASE + 86_400_000, source: 'postgres' })).rejects.toBeInstanceOf(
      StorageReadError,
    );

    for (let b = 1; b <= 8; b++) {
      // New sensors appear during the outage too (PO-5…PO-7): PostgreSQL has no rows for them yet.
      const r = await h.storage.storeSensorDataBatch(sensorBatch(8, 10, BASE + b * 600_000, 'PO'));
      expect(r.storedIn).toEqual(['cassandra']);
      expect(r.outcomes.postgres).toMatchObject({ ok: false });
      expect(r.backlog).toEqual([{ target: 'postgres', heldIn: 'cassandra', entries: 1, rows: 80 }]);
    }
    const m = await h.storage.storeMeterReadingBatch(meterBatch(3, 20, BASE, 'POM'));
    expect(m.storedIn).toEqual(['cassandra']);

    const status = await h.storage.getBacklogStatus();
    expect(status.targets.postgres).toMatchObject({ entries: 9, rows: 700 });
    expect(status.unreachable.map((u) => u.location)).toEqual(['postgres']);
    expect(status.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(h.storage.pickReadOrder('auto')).toEqual(['cassandra', 'postgres']);
  });

  it('PostgreSQL converges after it returns: backlog drains to zero, exact counts', async () => {
    startServer('postgres');
    await waitFor(
      async () => {
        const s = await h.storage.getBacklogStatus();
        return s.entries === 0 && s.unreachable.length === 0;
      },
      120_000,
      500,
      'backlog drained',
    );
    expect(await pgCount(h, 'sensor_data', 'PO-')).toBe(50 + 8 * 80);
    expect(await pgCount(h, 'meter_readings', 'POM-')).toBe(60);
    expect(await cassandraCount(h, 'sensor', Array.from({ length: 8 }, (_, i) => `PO-${i}`), ['2026-01-15'])).toBe(690);
    const sensors: { n: string }[] = await h.dataSource.query(`SELECT count(*) AS n FROM sensors WHERE id LIKE 'PO-%'`);
    expect(Number(sensors[0]!.n)).toBe(8);
    const recon = await h.sync.reconcile({ from: new Date(BASE), to: new Date(BASE + 86_400_000) });
    expect(recon.totals.outOfSync).toBe(0);
  });
});
