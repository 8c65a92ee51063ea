import { Global, Injectable, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import request from 'supertest';
import { HealthModule } from './health.module';

/** An indicator answering from a flag, through the real HealthIndicatorService. */
function flagIndicator(state: { up: boolean }) {
  @Injectable()
  class FlagIndicator {
    private readonly health = new HealthIndicatorService();
    isHealthy(key: string) {
      return this.health.check(key).attempt(() => {
        if (!state.up) throw new Error(`${key} unreachable`);
      });
    }
  }
  return FlagIndicator;
}

describe('HealthModule.forApp', () => {
  let app: INestApplication;
  const pg = { up: true };
  const cs = { up: true };
  const kafka = { up: true };
  const Pg = flagIndicator(pg);
  const Cs = flagIndicator(cs);
  const Kafka = flagIndicator(kafka);

  /** Global, like the store modules that export the real indicators. */
  @Global()
  @Module({ providers: [Pg, Cs, Kafka], exports: [Pg, Cs, Kafka] })
  class IndicatorsModule {}

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        IndicatorsModule,
        HealthModule.forApp({
          probes: [
            { name: 'postgres', indicator: Pg },
            { name: 'cassandra', indicator: Cs },
            { name: 'kafka', indicator: Kafka },
          ],
          requireOneOf: [['postgres', 'cassandra'], ['kafka']],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  const set = (p: boolean, c: boolean, k: boolean) => {
    pg.up = p;
    cs.up = c;
    kafka.up = k;
  };

  it('answers 200 ok when every probe is up', async () => {
    set(true, true, true);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.details).sort()).toEqual(['cassandra', 'kafka', 'postgres']);
  });

  it('answers 200 degraded naming the store that is down while the other carries the load', async () => {
    set(true, false, true);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.details.cassandra).toEqual(expect.objectContaining({ status: 'degraded', message: 'cassandra unreachable', fallback: ['postgres'] }));
    expect(res.body.details.postgres.status).toBe('up');
  });

  it('answers 503 when neither time-series store is up', async () => {
    set(false, false, true);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.status).toBe('error');
    expect(Object.keys(res.body.error).sort()).toEqual(['cassandra', 'postgres']);
  });

  it('answers 503 naming Kafka when it is down', async () => {
    set(true, true, false);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.error).toEqual({ kafka: expect.objectContaining({ status: 'down', message: 'kafka unreachable' }) });
  });

  it('stays live whatever the stores do', async () => {
    set(false, false, false);
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('refuses rules that name a probe it does not have', () => {
    expect(() => HealthModule.forApp({ probes: [], requireOneOf: [['postgres']] })).toThrow(/postgres/);
  });
});
