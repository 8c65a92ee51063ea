import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { PostgresConnection } from './postgres.connection';
import { POSTGRES_MODULE_OPTIONS } from './postgres.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './postgres.options';
import type { PostgresModuleOptions } from './postgres.options';

@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly connection: PostgresConnection,
    private readonly health: HealthIndicatorService,
    @Inject(POSTGRES_MODULE_OPTIONS) private readonly options: PostgresModuleOptions,
  ) {}

  /** Down while still connecting or migrating; then `SELECT 1` on a pooled connection (`responseTime` in ms). */
  async isHealthy<const Key extends string = 'postgres'>(key: Key = 'postgres' as Key): Promise<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(async () => {
        if (!this.connection.ready) throw new Error(`not connected: ${this.connection.notReadyReason ?? 'connecting'}`);
        await this.connection.dataSource.query('SELECT 1');
      })
      .withTimeout(this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }
}
