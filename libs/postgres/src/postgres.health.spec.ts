import { HealthIndicatorService } from '@nestjs/terminus';
import type { PostgresConnection } from './postgres.connection';
import { PostgresHealthIndicator } from './postgres.health';

function indicator(query: (sql: string) => Promise<unknown>, healthTimeoutMs = 200, ready = true): PostgresHealthIndicator {
  const connection = { dataSource: { query }, ready, notReadyReason: ready ? null : 'connect ECONNREFUSED 127.0.0.1:5432' };
  return new PostgresHealthIndicator(connection as unknown as PostgresConnection, new HealthIndicatorService(), {
    migrations: [],
    healthTimeoutMs,
  });
}

describe('PostgresHealthIndicator', () => {
  it('is down, naming why, while the connection is still being set up (no query sent)', async () => {
    const query = jest.fn(async () => undefined);
    const result = await indicator(query, 200, false).isHealthy('postgres');
    expect(result.postgres).toMatchObject({ status: 'down', message: 'not connected: connect ECONNREFUSED 127.0.0.1:5432' });
    expect(query).not.toHaveBeenCalled();
  });

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
