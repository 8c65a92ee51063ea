import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CassandraConnection } from './cassandra.connection';
import { CASSANDRA_MODULE_OPTIONS } from './cassandra.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './cassandra.options';
import type { CassandraModuleOptions } from './cassandra.options';

@Injectable()
export class CassandraHealthIndicator {
  constructor(
    private readonly connection: CassandraConnection,
    private readonly health: HealthIndicatorService,
    @Inject(CASSANDRA_MODULE_OPTIONS) private readonly options: CassandraModuleOptions,
  ) {}

  /**
   * Down while the connection is still being set up; then reads `system.local` through the
   * driver's normal request path, so the result reflects whether the app can reach a node
   * right now (the driver reconnects on its own).
   */
  async isHealthy<const Key extends string = 'cassandra'>(key: Key = 'cassandra' as Key): Promise<HealthIndicatorResult<Key>> {
    const timeoutMs = this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    return this.health
      .check(key)
      .attempt(async () => {
        // Not connected (and migrated) yet: down, naming why, without touching the driver.
        if (!this.connection.ready) throw new Error(`not connected: ${this.connection.notReadyReason ?? 'connecting'}`);
        const rs = await this.connection.client.execute('SELECT release_version FROM system.local', [], {
          readTimeout: timeoutMs,
          isIdempotent: true,
        });
        return { version: String(rs.first()?.get('release_version') ?? 'unknown') };
      })
      .withTimeout(timeoutMs);
  }
}
