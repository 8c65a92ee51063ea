import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { CassandraHealthIndicator } from '@smartgrid/cassandra';
import { KafkaHealthIndicator } from '@smartgrid/kafka';
import { PostgresHealthIndicator } from '@smartgrid/postgres';
import request from 'supertest';
import { HealthController } from './health.controller';

/** Indicators that answer from a flag, through the real HealthIndicatorService. */
function fakeIndicator(key: string, state: { up: boolean }) {
  const health = new HealthIndicatorService();
  return {
    isHealthy: (k: string = key) =>
      health.check(k).attempt(() => {
        if (!state.up) throw new Error(`${k} unreachable`);
      }),
  };
}

describe('data-processing HealthController', () => {
  let app: INestApplication;
  const cassandra = { up: true };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: PostgresHealthIndicator, useValue: fakeIndicator('postgres', { up: true }) },
        { provide: CassandraHealthIndicator, useValue: fakeIndicator('cassandra', cassandra) },
        { provide: KafkaHealthIndicator, useValue: fakeIndicator('kafka', { up: true }) },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('is ready (200) when every store is up', async () => {
    cassandra.up = true;
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(Object.keys(res.body.details).sort()).toEqual(['cassandra', 'kafka', 'postgres']);
  });

  it('answers 503 naming the store that is down', async () => {
    cassandra.up = false;
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.error).toEqual({ cassandra: expect.objectContaining({ status: 'down', message: 'cassandra unreachable' }) });
    expect(res.body.details.postgres.status).toBe('up');
  });

  it('stays live regardless of the stores', async () => {
    cassandra.up = false;
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });
});
