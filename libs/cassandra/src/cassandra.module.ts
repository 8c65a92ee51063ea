import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { cassandraConfig } from '@smartgrid/config';
import { Client } from 'cassandra-driver';
import { connectCassandra, shutdownCassandra } from './cassandra-connection';
import { CASSANDRA_CLIENT, CASSANDRA_MODULE_OPTIONS } from './cassandra.constants';
import { CassandraHealthIndicator } from './cassandra.health';
import type { CassandraModuleOptions } from './cassandra.options';

/** Closes the driver's connections and timers when the app shuts down. */
@Injectable()
class CassandraClientCloser implements OnApplicationShutdown {
  constructor(@Inject(CASSANDRA_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await shutdownCassandra(this.client);
  }
}

/**
 * Provides `CASSANDRA_CLIENT`, connected to the configured keyspace (created if missing)
 * with the given CQL migrations applied. Global, like the other store modules.
 */
@Module({})
export class CassandraModule {
  static forRootAsync(options: CassandraModuleOptions): DynamicModule {
    return {
      module: CassandraModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: CASSANDRA_MODULE_OPTIONS, useValue: options },
        {
          provide: CASSANDRA_CLIENT,
          inject: [cassandraConfig.KEY],
          useFactory: (cfg: ConfigType<typeof cassandraConfig>) => connectCassandra(cfg, options),
        },
        CassandraClientCloser,
        CassandraHealthIndicator,
      ],
      exports: [CASSANDRA_CLIENT, CassandraHealthIndicator],
    };
  }
}
