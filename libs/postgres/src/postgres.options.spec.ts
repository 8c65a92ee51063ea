import { buildTypeOrmOptions, MigrationRunError, PostgresConfig } from './postgres.options';
import { foundationMigrations } from './foundation/migrations';

const cfg: PostgresConfig = { host: 'db', port: 5433, database: 'grid', user: 'u', password: 'p', poolSize: 7, migrationUser: undefined, migrationPassword: undefined };

describe('buildTypeOrmOptions', () => {
  const opts = buildTypeOrmOptions(cfg, { migrations: foundationMigrations }) as Record<string, unknown>;

  it('maps config, never synchronizes, and leaves migrations to the locked runner', () => {
    expect(opts).toMatchObject({
      type: 'postgres',
      host: 'db',
      port: 5433,
      database: 'grid',
      username: 'u',
      password: 'p',
      poolSize: 7,
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: 'schema_migrations',
      autoLoadEntities: true,
    });
    expect(opts.migrations).toBe(foundationMigrations);
  });

  it('retries connection errors but not failed migrations', () => {
    const toRetry = opts.toRetry as (e: unknown) => boolean;
    expect(toRetry(new Error('ECONNREFUSED'))).toBe(true);
    expect(toRetry(new MigrationRunError(new Error('syntax error')))).toBe(false);
  });
});

describe('foundationMigrations', () => {
  it('are TypeORM migrations with a 13-digit timestamp suffix', () => {
    for (const migration of foundationMigrations) {
      expect(migration.name).toMatch(/\d{13}$/);
    }
  });
});
