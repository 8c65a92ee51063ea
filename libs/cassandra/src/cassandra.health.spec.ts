import { HealthIndicatorService } from '@nestjs/terminus';
import type { Client } from 'cassandra-driver';
import type { CassandraConnection } from './cassandra.connection';
import { CassandraHealthIndicator } from './cassandra.health';

function indicator(execute: () => Promise<unknown>, healthTimeoutMs = 200, ready = true): CassandraHealthIndicator {
  const connection = { client: { execute } as unknown as Client, ready, notReadyReason: ready ? null : 'connect ECONNREFUSED 127.0.0.1:9042' };
  return new CassandraHealthIndicator(connection as unknown as CassandraConnection, new HealthIndicatorService(), { migrations: [], healthTimeoutMs });
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

  it('is down, naming why, while the connection is still being set up (the driver is not touched)', async () => {
    const execute = jest.fn(async () => ({ first: () => null }));
    const result = await indicator(execute, 200, false).isHealthy('cassandra');
    expect(result.cassandra).toMatchObject({ status: 'down', message: 'not connected: connect ECONNREFUSED 127.0.0.1:9042' });
    expect(execute).not.toHaveBeenCalled();
  });

  it('is down when the query hangs past the timeout', async () => {
    const result = await indicator(() => new Promise(() => undefined), 50).isHealthy('cassandra');
    expect(result.cassandra).toMatchObject({ status: 'down', message: 'timeout of 50ms exceeded' });
  });
});
