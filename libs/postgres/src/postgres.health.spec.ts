import { HealthIndicatorService } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { PostgresHealthIndicator } from './postgres.health';

function indicator(query: (sql: string) => Promise<unknown>, healthTimeoutMs = 200): PostgresHealthIndicator {
  return new PostgresHealthIndicator({ query } as unknown as DataSource, new HealthIndicatorService(), {
    migrations: [],
    healthTimeoutMs,
  });
}

describe('PostgresHealthIndicator', () => {
  it('runs SELECT 1 and reports up with a response time', async () => {
    const seen: string[] = [];
    const result = await indicator(async (sql) => seen.push(sql)).isHealthy('postgres');
    expect(seen).toEqual(['SELECT 1']);
    expect(result.postgres.status).toBe('up');
    expect(typeof result.postgres.responseTime).toBe('number');
  });

  it('reports down with the error', async () => {
    const result = await indicator(() => Promise.reject(new Error('connect ECONNREFUSED'))).isHealthy();
    expect(result.postgres).toMatchObject({ status: 'down', message: 'connect ECONNREFUSED' });
  });

  it('reports down when the query hangs', async () => {
    const result = await indicator(() => new Promise(() => undefined), 30).isHealthy('pg');
    expect(result.pg).toMatchObject({ status: 'down', message: 'timeout of 30ms exceeded' });
  });
});
