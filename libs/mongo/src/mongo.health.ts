import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Connection, ConnectionStates } from 'mongoose';
import { MONGO_MODULE_OPTIONS } from './mongo.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './mongo.options';
import type { MongoModuleOptions } from './mongo.options';

@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
    @Inject(MONGO_MODULE_OPTIONS) private readonly options: MongoModuleOptions,
  ) {}

  /**
   * Sends the `ping` command to the server; `responseTime` is the round trip in ms. While the
   * driver holds no connection the answer is `down` at once (a command would wait for one).
   */
  async isHealthy<const Key extends string = 'mongodb'>(key: Key = 'mongodb' as Key): Promise<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(async () => {
        const db = this.connection.db;
        if (!db || this.connection.readyState !== ConnectionStates.connected) throw new Error('MongoDB connection is not open');
        await db.command({ ping: 1 });
      })
      .withTimeout(this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }
}
