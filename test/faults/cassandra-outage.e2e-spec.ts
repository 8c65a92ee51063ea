import { OpenApiContract, OpenApiDocument, restoreServersThen, startServer, stopServer, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { Harness, json, startHarness } from '../../apps/data-processing/test/support/harness';
import { sensorMessage } from '../../apps/data-processing/test/support/malformed-corpus';

interface Ready {
  status: string;
  details: Record<string, { status: string; message?: string }>;
}

const SENSOR = 'S-FAULT-1';
const READINGS = 30;

/**
 * Stops the real Cassandra under a running data-processing app: the instance stays ready
 * (PostgreSQL carries the writes, with a backlog) but reports `degraded` naming cassandra;
 * readings ingested meanwhile land in PostgreSQL with a backlog for Cassandra. Once the
 * server is back the same app instance (the driver reconnects by itself) reports `ok`,
 * drains that backlog to zero and Cassandra holds every reading.
 */
describe('fault: Cassandra goes away and comes back', () => {
  let h: Harness;
  const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;

  let contract: OpenApiContract;
  const ready = async (): Promise<{ code: number; body: Ready }> => {
    const res = await request(h.baseUrl).get('/health/ready');
    // A degraded answer needs a store stopped: it is checked against the published schema
    // here (apps/*/test/openapi.e2e-spec.ts check the other answers).
    contract.check('GET', '/health/ready', res.status, res.headers['content-type'], res.body);
    return { code: res.status, body: res.body as Ready };
  };
  /** The first readiness answer with this status (the wait only bounds a hung test). */
  const readyWith = (wanted: string, timeoutMs: number): Promise<{ code: number; body: Ready }> =>
    waitFor(
      async () => {
        const r = await ready();
        return r.body.status === wanted ? r : undefined;
      },
      timeoutMs,
      250,
      `readiness ${wanted}`,
    );
  const status = async (): Promise<{ backlog: { rows: number; targets: Record<string, { rows: number }> } }> =>
    (await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200)).body;
  const cassandraReadings = async (): Promise<number> => {
    const res = await request(h.baseUrl)
      .get(`/api/sensors/${SENSOR}/readings`)
      .query({ source: 'cassandra', from: new Date(base).toISOString(), to: new Date(base + 3_600_000).toISOString(), limit: 1000 })
      .set('Authorization', `Bearer ${h.tokens.viewer}`)
      .expect(200);
    return res.body.count as number;
  };

  beforeAll(async () => {
    h = await startHarness();
    contract = new OpenApiContract((await request(h.baseUrl).get('/docs-json').expect(200)).body as OpenApiDocument, { openSchemas: ['HealthIndicator'] });
  });

  afterAll(() => restoreServersThen(['cassandra'], () => h?.close()));

  it('is ready while every store is up', async () => {
    const r = await ready();
    expect(r.code).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('stays ready (200) but degraded, naming cassandra only, while the server is stopped', async () => {
    stopServer('cassandra');
    const down = await readyWith('degraded', 30_000);
    expect(down.code).toBe(200);
    expect(down.body.details.cassandra.status).toBe('degraded');
    expect(down.body.details.cassandra.message).toEqual(expect.any(String));
    expect(down.body.details.postgres.status).toBe('up');
    expect(down.body.details.kafka.status).toBe('up');
    // Liveness is about the process only.
    await request(h.baseUrl).get('/health/live').expect(200);
  });

  it('keeps ingesting into PostgreSQL while the server is stopped, holding a backlog for Cassandra', async () => {
    await h.produce(
      'sensor-data',
      Array.from({ length: READINGS }, (_, i) => ({ key: SENSOR, value: json(sensorMessage(SENSOR, new Date(base + i * 60_000).toISOString(), i)) })),
    );
    await waitFor(async () => (await status()).backlog.targets.cassandra?.rows === READINGS, 90_000, 250, 'backlog for cassandra');
    const rows = await h.sql<{ n: string }>('SELECT count(*) AS n FROM sensor_data WHERE sensor_id = $1', [SENSOR]);
    expect(Number(rows[0]!.n)).toBe(READINGS);
  });

  it('after the server restarts, the same app is ok again, drains the backlog and Cassandra holds every reading', async () => {
    startServer('cassandra');
    // The waits below bound a hung test; they assert nothing about how fast recovery is.
    const back = await readyWith('ok', 120_000);
    expect(back.code).toBe(200);
    expect(back.body.details.cassandra.status).toBe('up');
    await waitFor(async () => (await status()).backlog.rows === 0, 120_000, 250, 'backlog drained');
    expect(await cassandraReadings()).toBe(READINGS);
  });
});
