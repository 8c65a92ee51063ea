import { AppOnStack, startAppOnStack } from '@smartgrid/testing';
import request from 'supertest';
import { createApp, startApp } from '../src/user-management.app';

describe('user-management app (real servers)', () => {
  let h: AppOnStack;
  let base: string;

  beforeAll(async () => {
    h = await startAppOnStack({ createApp, startApp }, { ADMIN_USERNAME: 'app.admin', ADMIN_PASSWORD: 'App-Admin-Pass-2026!' });
    base = h.baseUrl;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('GET /health/live answers', async () => {
    await request(base).get('/health/live').expect(200, /"status":"ok"/);
  });

  it('GET /health/ready reports postgres, mongodb and kafka up with their latency', async () => {
    const res = await request(base).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    for (const store of ['postgres', 'mongodb', 'kafka']) {
      expect(res.body.details[store]).toMatchObject({ status: 'up' });
      expect(typeof res.body.details[store].responseTime).toBe('number');
    }
    expect(res.body.details.cassandra).toBeUndefined();
  });

  it('GET /metrics and the OpenAPI documents are served', async () => {
    const metrics = await request(base).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toContain('nodejs_heap_size_total_bytes');
    await request(base).get('/docs').expect(200);
    const doc = await request(base).get('/docs-json').expect(200);
    expect(doc.body.info.title).toBe('smartgrid user-management');
  });
});
