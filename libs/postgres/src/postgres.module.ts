import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresConfig } from '@smartgrid/config';
import { DataSource, DataSourceOptions } from 'typeorm';
import { migratorFor, runMigrationsLocked } from './migration.runner';
import { guardPgClientErrors } from './pg-client-error.guard';
import { PostgresConnection } from './postgres.connection';
import { POSTGRES_MODULE_OPTIONS } from './postgres.constants';
import { PostgresHealthIndicator } from './postgres.health';
import { buildTypeOrmOptions, PostgresModuleOptions } from './postgres.options';

/** Stops a background connection loop when the app shuts down. */
@Injectable()
class PostgresConnectionStopper implements OnApplicationShutdown {
  constructor(private readonly connection: PostgresConnection) {}

  onApplicationShutdown(): void {
    this.connection.close();
  }
}

/**
 * The app's one TypeORM DataSource (inject `DataSource`) and its PostgresConnection (whether
 * it is ready). With `connect: 'startup'` (default) it connects with retries and applies the
 * given migrations under an advisory lock before anything else uses the database; with
 * `'background'` the app starts without PostgreSQL and the same happens once it answers.
 * Closed by @nestjs/typeorm when the app shuts down. Global, so feature modules only need
 * `TypeOrmModule.forFeature([...])` for their repositories.
 */
@Module({})
export class PostgresModule {
  static forRootAsync(options: PostgresModuleOptions): DynamicModule {
    const background = options.connect === 'background';
    // Set by the options factory (it sees the config) before the DataSource factory runs.
    let migrate: ((dataSource: DataSource) => Promise<void>) | undefined;
    return {
      module: PostgresModule,
      global: true,
      imports: [
        TerminusModule,
        TypeOrmModule.forRootAsync({
          inject: [postgresConfig.KEY],
          useFactory: (cfg: ConfigType<typeof postgresConfig>) => {
            migrate = migratorFor(cfg, options.grants ?? []);
            return { ...buildTypeOrmOptions(cfg, options), manualInitialization: background };
          },
          dataSourceFactory: async (dsOptions?: DataSourceOptions) => {
            if (!dsOptions) throw new Error('PostgresModule: TypeORM options missing');
            const dataSource = new DataSource(dsOptions);
            // Background: handed over uninitialised; PostgresConnection connects and migrates it.
            if (background) return dataSource;
            await dataSource.initialize();
            guardPgClientErrors(dataSource);
            try {
              await (migrate ?? runMigrationsLocked)(dataSource);
            } catch (err) {
              await dataSource.destroy();
              throw err;
            }
            return dataSource;
          },
        }),
      ],
      providers: [
        { provide: POSTGRES_MODULE_OPTIONS, useValue: options },
        {
          provide: PostgresConnection,
          inject: [DataSource, postgresConfig.KEY],
          useFactory: async (dataSource: DataSource, cfg: ConfigType<typeof postgresConfig>) => {
            const connection = new PostgresConnection(dataSource, migratorFor(cfg, options.grants ?? []));
            if (background) await connection.connectInBackground();
            return connection;
          },
        },
        PostgresConnectionStopper,
        PostgresHealthIndicator,
      ],
      exports: [PostgresConnection, PostgresHealthIndicator],
    };
  }
}
