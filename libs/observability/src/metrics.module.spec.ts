import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { metricsAccess } from './metrics-access.policy';
import { METRICS_REGISTRY } from './metrics.constants';
import { MetricsModule } from './metrics.module';

describe('MetricsModule', () => {
  let app: INestApplication;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('serves default and custom metrics as Prometheus text', async () => {
    const registry = app.get<Registry>(METRICS_REGISTRY);
    new Counter({ name: 'smartgrid_test_total', help: 'test counter', registers: [registry] }).inc(3);

    const res = await request(app.getHttpServer()).get('/metrics').expect(200);

    expect(res.headers['content-type']).toBe(registry.contentType);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('smartgrid_test_total 3');
  });

  it('gives each application its own registry', async () => {
    const other = await Test.createTestingModule({ imports: [MetricsModule] }).compile();
    expect(other.get(METRICS_REGISTRY)).not.toBe(app.get(METRICS_REGISTRY));
    await other.close();
  });
});

describe('metricsAccess', () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress } });
  const token = 'm'.repeat(40);

  it('by default serves the API port to loopback peers that were not forwarded by a proxy', () => {
    expect(metricsAccess(req('127.0.0.1'), {}, true)).toEqual({ allow: true });
    expect(metricsAccess(req('::ffff:127.0.0.5'), {}, true)).toEqual({ allow: true });
    expect(metricsAccess(req('10.1.2.3'), {}, true)).toMatchObject({ allow: false, status: 403 });
    expect(metricsAccess(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), {}, true)).toMatchObject({ allow: false, status: 403 });
  });

  it('with METRICS_TOKEN needs the bearer token from anyone', () => {
    expect(metricsAccess(req('127.0.0.1'), { token }, true)).toMatchObject({ allow: false, status: 401 });
    expect(metricsAccess(req('10.1.2.3', { authorization: `Bearer ${token}` }), { token }, true)).toEqual({ allow: true });
    expect(metricsAccess(req('10.1.2.3', { authorization: `Bearer ${token}x` }), { token }, true)).toMatchObject({ allow: false, status: 401 });
  });

  it('with METRICS_PORT answers 404 on the API port and serves the metrics port', () => {
    expect(metricsAccess(req('127.0.0.1'), { port: 9464 }, true)).toMatchObject({ allow: false, status: 404 });
    expect(metricsAccess(req('10.1.2.3'), { port: 9464 }, false)).toEqual({ allow: true });
    expect(metricsAccess(req('10.1.2.3'), { port: 9464, token }, false)).toMatchObject({ allow: false, status: 401 });
  });
});
