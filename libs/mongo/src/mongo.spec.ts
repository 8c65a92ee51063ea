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
    });
  });
});

describe('MongoHealthIndicator', () => {
  const indicator = (db: unknown, healthTimeoutMs = 200) =>
    new MongoHealthIndicator({ db } as unknown as Connection, new HealthIndicatorService(), { healthTimeoutMs });

  it('pings the server', async () => {
    const commands: unknown[] = [];
    const result = await indicator({ command: async (c: unknown) => commands.push(c) }).isHealthy('mongodb');
    expect(commands).toEqual([{ ping: 1 }]);
    expect(result.mongodb.status).toBe('up');
  });

  it('is down when the connection is not open or the ping fails or hangs', async () => {
    expect((await indicator(undefined).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'MongoDB connection is not open' });
    const failing = { command: () => Promise.reject(new Error('Server selection timed out')) };
    expect((await indicator(failing).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'Server selection timed out' });
    const hanging = { command: () => new Promise(() => undefined) };
    expect((await indicator(hanging, 30).isHealthy()).mongodb).toMatchObject({ status: 'down', message: 'timeout of 30ms exceeded' });
  });
});
