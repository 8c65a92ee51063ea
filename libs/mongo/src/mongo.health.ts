import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StoreHealthIndicator } from '@smartgrid/health';
import { Connection, ConnectionStates } from 'mongoose';
import { MONGO_MODULE_OPTIONS } from './mongo.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './mongo.options';
import type { MongoModuleOptions } from './mongo.options';

@Injectable()
export class MongoHealthIndicator extends StoreHealthIndicator<'mongodb'> {
  constructor(@InjectConnection() private readonly connection: Connection, health: HealthIndicatorService, @Inject(MONGO_MODULE_OPTIONS) options: MongoModuleOptions) {
    super(health, 'mongodb', options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }

  /**
   * Sends the `ping` command to the server; `responseTime` is the round trip in ms. While the
   * driver holds no connection the answer is `down` at once (a command would wait for one).
   */
  protected async probe(): Promise<void> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== ConnectionStates.connected) throw new Error('MongoDB connection is not open');
    await db.command({ ping: 1 });
  }
}
