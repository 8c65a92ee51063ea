import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { POSTGRES_MODULE_OPTIONS } from './postgres.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './postgres.options';
import type { PostgresModuleOptions } from './postgres.options';

@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
    @Inject(POSTGRES_MODULE_OPTIONS) private readonly options: PostgresModuleOptions,
  ) {}

  /** Runs `SELECT 1` on a pooled connection; `responseTime` is the round trip in ms. */
  async isHealthy<const Key extends string = 'postgres'>(key: Key = 'postgres' as Key): Promise<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.dataSource.query('SELECT 1');
      })
      .withTimeout(this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }
}
