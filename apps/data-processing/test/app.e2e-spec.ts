import { AppOnStack, startAppOnStack, waitFor } from '@smartgrid/testing';
import request from 'supertest';
import { createApp, startApp } from '../src/data-processing.app';

describe('data-processing app (real servers)', () => {
  let h: AppOnStack;
  let base: string;

  beforeAll(async () => {
    h = await startAppOnStack({ createApp, startApp });
    base = h.baseUrl;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('GET /health/live answers without consulting any store', async () => {
    const res = await request(base).get('/health/live').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('GET /health/ready reports postgres, cassandra, mongodb (device metadata) and kafka up with their latency', async () => {
    // MongoDB connects in the background (it is optional here): give it its first attempt.
    await waitFor(async () => (await request(base).get('/health/ready')).body.details?.mongodb?.status === 'up', 30_000, 250, 'mongodb up');
    const res = await request(base).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    for (const store of ['postgres', 'cassandra', 'mongodb', 'kafka']) {
      expect(res.body.details[store].status).toBe('up');
      expect(typeof res.body.details[store].responseTime).toBe('number');
    }
  });

  it('GET /metrics serves Prometheus text', async () => {
    const res = await request(base).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
  });

  it('serves OpenAPI at /docs and /docs-json', async () => {
    await request(base).get('/docs').expect(200).expect('content-type', /html/);
    const res = await request(base).get('/docs-json').expect(200);
    expect(res.body.info.title).toBe('smartgrid data-processing');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
  });

  it('created its topics with their .dlq twins and applied the foundation migration', async () => {
    const { KAFKA_ADMIN } = await import('@smartgrid/kafka');
    const { DataSource } = await import('typeorm');
    const admin = h.app.get(KAFKA_ADMIN);
    const topics: string[] = await admin.listTopics();
    const prefix = h.stack.env.KAFKA_TOPIC_PREFIX;
    for (const t of ['sensor-data', 'meter-readings', 'audit-events']) {
      expect(topics).toEqual(expect.arrayContaining([`${prefix}${t}`, `${prefix}${t}.dlq`]));
    }
    const ds = h.app.get(DataSource);
    const rows = await ds.query('SELECT name FROM schema_migrations');
    expect(rows.map((r: { name: string }) => r.name)).toContain('EnablePostgis1767225600000');
  });
});
