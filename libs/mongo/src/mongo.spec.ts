import { HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { MongoHealthIndicator } from './mongo.health';
import { buildMongooseOptions, MongoConfig } from './mongo.options';

const cfg: MongoConfig = { host: 'h', port: 27017, database: 'd', user: undefined, password: undefined, uri: 'mongodb://h:27017/d' };

describe('buildMongooseOptions', () => {
  it('uses the config URI with FerretDB-safe, fail-fast settings', () => {
    expect(buildMongooseOptions(cfg, { serverSelectionTimeoutMs: 1500 })).toMatchObject({
      uri: 'mongodb://h:27017/d',
      retryWrites: false,
      directConnection: true,
      serverSelectionTimeoutMS: 1500,
      autoIndex: true,
      retryAttempts: 5,
    });
  });

  it('in the background mode, hands out the connection at once and handles its first failure', () => {
    const opts = buildMongooseOptions(cfg, { connectInBackground: true });
    expect(opts).toMatchObject({ uri: 'mongodb://h:27017/d', lazyConnection: true, retryWrites: false });
    expect(opts.retryAttempts).toBeUndefined();
    const listeners: string[] = [];
    const connection = { on: (event: string) => (listeners.push(event), connection) };
    expect(opts.connectionFactory?.(connection, 'default')).toBe(connection);
    expect(listeners).toEqual(['error']);
  });
});

describe('MongoHealthIndicator', () => {
  const indicator = (db: unknown, healthTimeoutMs = 200, readyState = 1) =>
    new MongoHealthIndicator({ db, readyState } as unknown as Connection, new HealthIndicatorService(), { healthTimeoutMs });

  it('pings the server', async () => {
    const commands: unknown[] = [];
    const result = await indicator({ command: async (c: unknown) => commands.push(c) }).isHealthy('mongodb');
    expect(commands).toEqual([{ ping: 1 }]);
    expect(result.mongodb.status).toBe('up');
  });

  it('is down when the connection is not open or the ping fails or hangs', async () => {
    expect((await indicator(undefined).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'MongoDB connection is not open' });
    // Disconnected (never connected, or the server went away): down at once, no command sent.
    const unused = { command: () => Promise.reject(new Error('a command was sent')) };
    expect((await indicator(unused, 200, 0).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'MongoDB connection is not open' });
    expect((await indicator(unused, 200, 2).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'MongoDB connection is not open' });
    const failing = { command: () => Promise.reject(new Error('Server selection timed out')) };
    expect((await indicator(failing).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'Server selection timed out' });
    const hanging = { command: () => new Promise(() => undefined) };
    expect((await indicator(hanging, 30).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'timeout of 30ms exceeded' });
  });
});
