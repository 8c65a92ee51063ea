import { HealthIndicatorService } from '@nestjs/terminus';
import type { Client } from 'cassandra-driver';
import { CassandraHealthIndicator } from './cassandra.health';

function indicator(execute: () => Promise<unknown>, healthTimeoutMs = 200): CassandraHealthIndicator {
  const client = { execute } as unknown as Client;
  return new CassandraHealthIndicator(client, new HealthIndicatorService(), { migrations: [], healthTimeoutMs });
}

describe('CassandraHealthIndicator', () => {
  it('is up with the server version and a response time', async () => {
    const result = await indicator(async () => ({ first: () => ({ get: () => '5.0.2' }) })).isHealthy('cassandra');
    expect(result.cassandra).toMatchObject({ status: 'up', version: '5.0.2' });
    expect(typeof result.cassandra.responseTime).toBe('number');
  });

  it('is down with the driver error', async () => {
    const result = await indicator(() => Promise.reject(new Error('All host(s) tried for query failed'))).isHealthy();
    expect(result.cassandra).toMatchObject({ status: 'down', message: 'All host(s) tried for query failed' });
  });

  it('is down when the query hangs past the timeout', async () => {
    const result = await indicator(() => new Promise(() => undefined), 50).isHealthy('cassandra');
    expect(result.cassandra).toMatchObject({ status: 'down', message: 'timeout of 50ms exceeded' });
  });
});
