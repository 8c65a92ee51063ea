import type { ConfigType } from '@nestjs/config';
import type { postgresConfig } from '@smartgrid/config';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { PostgresGrants } from './postgres.grants';
import { MIGRATIONS_TABLE } from './postgres.constants';

export interface PostgresModuleOptions {
  /** TypeORM migration classes, in any order (TypeORM orders them by their timestamp). */
  migrations: Function[];
  /**
   * What the app's role may do, per feature (e.g. `[...timeseriesGrants, ...aggregatesGrants]`);
   * applied after the migrations when POSTGRES_MIGRATION_USER names another role.
   */
  grants?: PostgresGrants[];
  /** Entities not registered through TypeOrmModule.forFeature (those load automatically). */
  entities?: Function[];
  /**
   * `startup` (default): connect and migrate before the app starts, failing after
   * `retryAttempts`. `background`: start without PostgreSQL; see PostgresConnection.
   */
  connect?: 'startup' | 'background';
  /** Connection attempts at start-up before giving up (default 5, 2 s apart). */
  retryAttempts?: number;
  retryDelayMs?: number;
  /** Upper bound for one health probe (default 3000 ms). */
  healthTimeoutMs?: number;
}

export type PostgresConfig = ConfigType<typeof postgresConfig>;

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

/** TypeORM options for the given config; migrations are run by our runner, not by TypeORM. */
export function buildTypeOrmOptions(cfg: PostgresConfig, options: PostgresModuleOptions): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    host: cfg.host,
    port: cfg.port,
    username: cfg.user,
    password: cfg.password,
    database: cfg.database,
    applicationName: 'smartgrid',
    poolSize: cfg.poolSize,
    entities: options.entities ?? [],
    autoLoadEntities: true,
    migrations: options.migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    // Run under an advisory lock in PostgresModule's data source factory instead.
    migrationsRun: false,
    synchronize: false,
    connectTimeoutMS: 5000,
    extra: {
      // Bounded waits so a lost server fails requests (and health probes) instead of hanging.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    },
    retryAttempts: options.retryAttempts ?? 5,
    retryDelay: options.retryDelayMs ?? 2000,
    // A failing migration will fail again; only connection problems are worth retrying.
    toRetry: (err: unknown) => !(err instanceof MigrationRunError),
  };
}

export class MigrationRunError extends Error {
  constructor(cause: unknown) {
    super(`PostgreSQL migrations failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationRunError';
  }
}
