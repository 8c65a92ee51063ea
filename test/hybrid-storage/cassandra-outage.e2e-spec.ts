import { StorageReadError } from '@smartgrid/hybrid-storage';
import { restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import { BASE, cassandraCount, Harness, meterBatch, OUTAGE_SETTINGS, pgCount, sensorBatch, startHarness } from './support/hybrid-storage-harness';

const DAY = '2026-01-15';
const MONTH = 202601;

/**
 * Stops the real Cassandra while writes continue: every write must still succeed (in
 * PostgreSQL, with the miss recorded in the PostgreSQL-held backlog), reads fall back, and
 * once Cassandra is started again the replayer drains the backlog to zero on its own, leaving
 * Cassandra with exactly every row.
 */
describe('fault: Cassandra stopped mid-run', () => {
  let h: Harness;
  const sensorIds = Array.from({ length: 10 }, (_, i) => `CO-${i}`);
  const meterIds = Array.from({ length: 4 }, (_, i) => `COM-${i}`);

  beforeAll(async () => {
    h = await startHarness(OUTAGE_SETTINGS);
  });

  afterAll(() => restoreServersThen(['cassandra'], () => h?.close()));

  it('writes to both stores while Cassandra is up', async () => {
    const r = await h.storage.storeSensorDataBatch(sensorBatch(10, 10, BASE, 'CO'));
    expect(r.storedIn.sort()).toEqual(['cassandra', 'postgres']);
  });

  it('auto reads fall back to PostgreSQL once Cassandra is stopped', async () => {
    stopServer('cassandra');
    const got = await h.storage.getSensorData('CO-3', { from: BASE, to: BASE + 86_400_000 });
    expect(got.source).toBe('postgres');
    expect(got.failed.map((f) => f.store)).toEqual(['cassandra']);
    expect(got.records).toHaveLength(10);
    expect(got.records.every((r) => r.source === 'postgres')).toBe(true);
    await expect(h.storage.getSensorData('CO-3', { from: BASE, to: BASE + 86_400_000, source: 'cassandra' })).rejects.toBeInstanceOf(
      StorageReadError,
    );
  });

  it('keeps accepting writes while Cassandra is down; the backlog grows', async () => {
    let previousRows = 0;
    for (let b = 1; b <= 10; b++) {
      // 10 sensors × 10 readings per batch, each batch a new 10-minute slice of the day.
      const r = await h.storage.storeSensorDataBatch(sensorBatch(10, 10, BASE + b * 600_000, 'CO'));
      expect(r.storedIn).toEqual(['postgres']);
      expect(r.outcomes.cassandra).toMatchObject({ ok: false });
      expect(r.backlog).toEqual([{ target: 'cassandra', heldIn: 'postgres', entries: 1, rows: 100 }]);
      const status = await h.storage.getBacklogStatus();
      expect(status.targets.cassandra.rows).toBeGreaterThan(previousRows);
      previousRows = status.targets.cassandra.rows;
    }
    const m = await h.storage.storeMeterReadingBatch(meterBatch(4, 24, BASE, 'COM'));
    expect(m.storedIn).toEqual(['postgres']);

    const status = await h.storage.getBacklogStatus();
    expect(status.targets.cassandra).toMatchObject({ entries: 11, rows: 1096 });
    expect(status.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(await pgCount(h, 'sensor_data', 'CO-')).toBe(1100);
    expect(await pgCount(h, 'meter_readings', 'COM-')).toBe(96);
    // While Cassandra is behind, auto reads go to PostgreSQL first.
    expect(h.storage.pickReadOrder('auto')).toEqual(['postgres', 'cassandra']);
  });

  it('drains the backlog to zero after Cassandra starts, and Cassandra holds every row', async () => {
    startServer('cassandra');
    await waitFor(async () => (await h.storage.getBacklogStatus()).entries === 0, 120_000, 500, 'backlog drained');
    expect(await cassandraCount(h, 'sensor', sensorIds, [DAY])).toBe(1100);
    expect(await cassandraCount(h, 'meter', meterIds, [MONTH])).toBe(96);
    expect(h.storage.pickReadOrder('auto')).toEqual(['cassandra', 'postgres']);
    const got = await h.storage.getSensorData('CO-9', { from: BASE, to: BASE + 86_400_000, limit: 500 });
    expect(got.source).toBe('cassandra');
    expect(got.records).toHaveLength(110);
    const recon = await h.sync.reconcile({ from: new Date(BASE), to: new Date(BASE + 86_400_000) });
    expect(recon.totals.outOfSync).toBe(0);
    expect(recon.totals.rows).toEqual({ postgres: 1196, cassandra: 1196 });
  });
});
