import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { cassandraConfig } from '@smartgrid/config';
import { CassandraConnection } from './cassandra.connection';
import { CASSANDRA_CLIENT, CASSANDRA_MODULE_OPTIONS } from './cassandra.constants';
import { CassandraHealthIndicator } from './cassandra.health';
import type { CassandraModuleOptions } from './cassandra.options';

/** Closes the driver's connections and timers (and stops a background connect) when the app shuts down. */
@Injectable()
class CassandraConnectionCloser implements OnApplicationShutdown {
  constructor(private readonly connection: CassandraConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * Provides `CASSANDRA_CLIENT` (the cassandra-driver Client, keyspace created if missing, CQL
 * migrations applied) and `CassandraConnection` (whether it is ready yet). With
 * `connect: 'startup'` (default) the module waits for Cassandra; with `'background'` the app
 * starts without it and the connection is made when Cassandra answers. Global, like the
 * other store modules.
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
          provide: CassandraConnection,
          inject: [cassandraConfig.KEY],
          useFactory: async (cfg: ConfigType<typeof cassandraConfig>) => {
            const connection = new CassandraConnection(cfg, options);
            if (options.connect === 'background') {
              await connection.connectInBackground();
              return connection;
            }
            try {
              await connection.connectNow(options.connectAttempts ?? 5, options.connectRetryDelayMs ?? 2000);
            } catch (err) {
              await connection.close();
              throw err;
            }
            return connection;
          },
        },
        { provide: CASSANDRA_CLIENT, inject: [CassandraConnection], useFactory: (c: CassandraConnection) => c.client },
        CassandraConnectionCloser,
        CassandraHealthIndicator,
      ],
      exports: [CASSANDRA_CLIENT, CassandraConnection, CassandraHealthIndicator],
    };
  }
}
