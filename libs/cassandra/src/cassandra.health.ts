import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ProbeDetails, StoreHealthIndicator } from '@smartgrid/health';
import { CassandraConnection } from './cassandra.connection';
import { CASSANDRA_MODULE_OPTIONS } from './cassandra.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './cassandra.options';
import type { CassandraModuleOptions } from './cassandra.options';

@Injectable()
export class CassandraHealthIndicator extends StoreHealthIndicator<'cassandra'> {
  constructor(private readonly connection: CassandraConnection, health: HealthIndicatorService, @Inject(CASSANDRA_MODULE_OPTIONS) options: CassandraModuleOptions) {
    super(health, 'cassandra', options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }

  /**
   * Down while the connection is still being set up; then reads `system.local` through the
   * driver's normal request path, so the result reflects whether the app can reach a node
   * right now (the driver reconnects on its own).
   */
  protected async probe(): Promise<ProbeDetails> {
    // Not connected (and migrated) yet: down, naming why, without touching the driver.
    if (!this.connection.ready) throw new Error(`not connected: ${this.connection.notReadyReason ?? 'connecting'}`);
    const rs = await this.connection.client.execute('SELECT release_version FROM system.local', [], { readTimeout: this.timeoutMs, isIdempotent: true });
    return { version: String(rs.first()?.get('release_version') ?? 'unknown') };
  }
}
