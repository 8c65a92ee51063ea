import { DynamicModule, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresConfig } from '@smartgrid/config';
import { DataSource, DataSourceOptions } from 'typeorm';
import { runMigrationsLocked } from './migration-runner';
import { guardPgClientErrors } from './pg-client-error-guard';
import { POSTGRES_MODULE_OPTIONS } from './postgres.constants';
import { PostgresHealthIndicator } from './postgres.health';
import { buildTypeOrmOptions, PostgresModuleOptions } from './postgres.options';

/**
 * The app's one TypeORM DataSource (inject `DataSource`). Connects with retries, applies the
 * given migrations under an advisory lock before anything else uses the database, and is
 * closed by @nestjs/typeorm when the app shuts down. Global, so feature modules only need
 * `TypeOrmModule.forFeature([...])` for their repositories.
 */
@Module({})
export class PostgresModule {
  static forRootAsync(options: PostgresModuleOptions): DynamicModule {
    return {
      module: PostgresModule,
      global: true,
      imports: [
        TerminusModule,
        TypeOrmModule.forRootAsync({
          inject: [postgresConfig.KEY],
          useFactory: (cfg: ConfigType<typeof postgresConfig>) => buildTypeOrmOptions(cfg, options),
          dataSourceFactory: async (dsOptions?: DataSourceOptions) => {
            if (!dsOptions) throw new Error('PostgresModule: TypeORM options missing');
            const dataSource = new DataSource(dsOptions);
            await dataSource.initialize();
            guardPgClientErrors(dataSource);
            try {
              await runMigrationsLocked(dataSource);
            } catch (err) {
              await dataSource.destroy();
              throw err;
            }
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: POSTGRES_MODULE_OPTIONS, useValue: options }, PostgresHealthIndicator],
      exports: [PostgresHealthIndicator],
    };
  }
}
