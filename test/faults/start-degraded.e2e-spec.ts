import { restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { Harness, json, startHarness } from '../../apps/data-processing/test/support/harness';
import { sensorMessage } from '../../apps/data-processing/test/support/malformed-corpus';

interface Ready {
  status: string;
  details: Record<string, { status: string; fallback?: string[] }>;
}

/**
 * Degraded, not down: data-processing starts while one of its time-series stores is stopped
 * for real, answers ready (200 `degraded`, naming the store), ingests into the other store with
 * a backlog, and once the store is started again catches up by itself — every reading in both
 * stores, backlog empty, without restarting the app.
 */
describe.each(['cassandra', 'postgres'] as const)('data-processing starts without %s', (down) => {
  const other = down === 'cassandra' ? 'postgres' : 'cassandra';
  let h: Harness;
  const now = Date.now();
  const ids = [0, 1, 2].map((i) => `SD-${down}-${i}-${now}`);

  beforeAll(async () => {
    h = await startHarness({}, () => stopServer(down));
  });

  afterAll(() => restoreServersThen([down], () => h?.close()));

  const ready = async (): Promise<{ code: number; body: Ready }> => {
    const res = await request(h.baseUrl).get('/health/ready');
    return { code: res.status, body: res.body as Ready };
  };

  const count = (source: 'postgres' | 'cassandra'): Promise<number> => h.countReadings(ids, source, new Date(now - 7_200_000), new Date(now + 60_000));

  it(`is ready but degraded, naming ${down}, with ${other} carrying the load`, async () => {
    const r = await ready();
    expect(r.code).toBe(200);
    expect(r.body.status).toBe('degraded');
    expect(r.body.details[down]).toMatchObject({ status: 'degraded', fallback: [other] });
    expect(r.body.details[other]!.status).toBe('up');
    expect(r.body.details.kafka!.status).toBe('up');
  });

  it(`ingests into ${other} meanwhile and catches ${down} up once it is back`, async () => {
    const messages = ids.flatMap((id) =>
      Array.from({ length: 40 }, (_, i) => ({ key: id, value: json(sensorMessage(id, new Date(now - 3_600_000 + i * 60_000).toISOString(), 220 + i)) })),
    );
    await h.produce('sensor-data', messages);
    await waitFor(async () => (await count(other)) === 120, 90_000, 500, `readings in ${other}`);
    const backlog = (await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`)).body as {
      backlog: { targets: Record<string, { rows: number }> };
    };
    expect(backlog.backlog.targets[down]!.rows).toBeGreaterThanOrEqual(120);

    startServer(down);
    // The app connects (and migrates) by itself, then the replayer drains the backlog.
    await waitFor(async () => (await count(down)) === 120, 180_000, 1000, `readings replayed into ${down}`);
    await waitFor(async () => (await ready()).body.status === 'ok', 60_000, 500, 'ready ok again');
    const status = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    await waitFor(
      async () => ((await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`)).body as { backlog: { rows: number } }).backlog.rows === 0,
      60_000,
      500,
      'backlog empty',
    );
    expect(status.body.stores[down].status).toBe('up');
    expect(await count(other)).toBe(120);
  });
});
