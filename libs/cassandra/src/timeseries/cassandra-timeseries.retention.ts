import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { cassandraConfig, retentionConfig } from '@smartgrid/config';
import { Client } from 'cassandra-driver';
import { CassandraConnection } from '../cassandra.connection';
import { CASSANDRA_CLIENT } from '../cassandra.constants';
import { assertCqlIdentifier } from '../cassandra.options';
import { EVENT_TABLES, METER_TABLES, SENSOR_TABLES } from './timeseries.migrations';

/** Default TTL, in seconds, per group of history tables (0 = no expiry). */
export interface HistoryTtls {
  sensor: number;
  meter: number;
  events: number;
}

/**
 * Keeps the history tables' `default_time_to_live` in line with retention: sensor tables with
 * SENSOR_DATA_RETENTION_DAYS, meter tables with METER_READINGS_RETENTION_DAYS, the event table
 * with CASSANDRA_DEFAULT_TTL_SECONDS. The adapter writes every reading with its own TTL (what
 * is left of its retention, counted from its timestamp, so it expires when PostgreSQL's rule
 * says it is past retention); the table default covers anything written another way.
 * Retention is configuration, not schema history, so it is applied at start-up (only when it
 * differs) rather than frozen into a versioned migration. The backlog, quarantine and
 * deleted-ranges tables never expire.
 */
@Injectable()
export class CassandraTimeseriesRetention implements OnModuleInit {
  private readonly logger = new Logger('CassandraRetention');

  constructor(
    @Inject(CASSANDRA_CLIENT) private readonly client: Client,
    @Inject(cassandraConfig.KEY) private readonly cfg: ConfigType<typeof cassandraConfig>,
    private readonly connection: CassandraConnection,
    @Optional() @Inject(retentionConfig.KEY) private readonly retention?: ConfigType<typeof retentionConfig>,
  ) {}

  /** Applied once connected (at once, or when a background connection succeeds). */
  onModuleInit(): Promise<void> {
    return this.connection.onReady(async () => {
      await this.apply(this.configured());
    });
  }

  configured(): HistoryTtls {
    return {
      sensor: (this.retention?.sensorDays ?? 0) * 86_400,
      meter: (this.retention?.meterDays ?? 0) * 86_400,
      events: this.cfg.defaultTtlSeconds,
    };
  }

  async apply(ttls: HistoryTtls): Promise<string[]> {
    for (const v of Object.values(ttls)) if (!Number.isInteger(v) || v < 0) throw new Error(`invalid default TTL ${v}`);
    const keyspace = assertCqlIdentifier(this.client.keyspace ?? this.cfg.keyspace, 'keyspace');
    const changed: string[] = [];
    const groups: [readonly string[], number][] = [
      [SENSOR_TABLES, ttls.sensor],
      [METER_TABLES, ttls.meter],
      [EVENT_TABLES, ttls.events],
    ];
    for (const [tables, ttlSeconds] of groups) {
      for (const table of tables) {
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
    }
    if (changed.length) this.logger.log(`default TTL applied to ${changed.join(', ')} (sensor ${ttls.sensor}s, meter ${ttls.meter}s, events ${ttls.events}s)`);
    return changed;
  }
}
