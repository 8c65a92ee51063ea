import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
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
