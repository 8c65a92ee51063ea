import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { cassandraConfig } from '@smartgrid/config';
import { Client } from 'cassandra-driver';
import { CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { assertCqlIdentifier } from '../cassandra.options';
import { HISTORY_TABLES } from './timeseries.migrations';

/**
 * Keeps the history tables' `default_time_to_live` equal to CASSANDRA_DEFAULT_TTL_SECONDS.
 * Retention is configuration, not schema history, so it is applied at start-up (only when it
 * differs) rather than frozen into a versioned migration. The backlog and quarantine tables
 * never expire.
 */
@Injectable()
export class CassandraTimeseriesRetention implements OnModuleInit {
  private readonly logger = new Logger('CassandraRetention');

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    @Inject(cassandraConfig.KEY) private readonly cfg: ConfigType<typeof cassandraConfig>,
    private readonly connection: CassandraConnection,
  ) {}

  /** Applied once connected (at once, or when a background connection succeeds). */
  onModuleInit(): Promise<void> {
    return this.connection.onReady(async () => {
      await this.apply(this.cfg.defaultTtlSeconds);
    });
  }

  async apply(ttlSeconds: number): Promise<string[]> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) throw new Error(`invalid default TTL ${ttlSeconds}`);
    const keyspace = assertCqlIdentifier(this.client.keyspace ?? this.cfg.keyspace, 'keyspace');
    const changed: string[] = [];
    for (const table of HISTORY_TABLES) {
      const rs = await this.client.execute(
        'SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
        [keyspace, table],
        { prepare: true },
      );
      const current = rs.first()?.get('default_time_to_live') as number | undefined;
      if (current === undefined || current === ttlSeconds) continue;
      await this.client.execute(`ALTER TABLE ${keyspace}.${table} WITH default_time_to_live = ${ttlSeconds}`);
      changed.push(table);
    }
    if (changed.length) this.logger.log(`default TTL ${ttlSeconds}s applied to ${changed.join(', ')}`);
    return changed;
  }
}
