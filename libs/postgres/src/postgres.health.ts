import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StoreHealthIndicator } from '@smartgrid/health';
import { PostgresConnection } from './postgres.connection';
import { POSTGRES_MODULE_OPTIONS } from './postgres.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './postgres.options';
import type { PostgresModuleOptions } from './postgres.options';

@Injectable()
export class PostgresHealthIndicator extends StoreHealthIndicator<'postgres'> {
  constructor(private readonly connection: PostgresConnection, health: HealthIndicatorService, @Inject(POSTGRES_MODULE_OPTIONS) options: PostgresModuleOptions) {
    super(health, 'postgres', options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }

  /** Down while still connecting or migrating; then `SELECT 1` on a pooled connection (`responseTime` in ms). */
  protected async probe(): Promise<void> {
    if (!this.connection.ready) throw new Error(`not connected: ${this.connection.notReadyReason ?? 'connecting'}`);
    await this.connection.dataSource.query('SELECT 1');
  }
}
