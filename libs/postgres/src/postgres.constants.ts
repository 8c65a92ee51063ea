/** DI token of the options given to PostgresModule.forRootAsync. */
export const POSTGRES_MODULE_OPTIONS = Symbol('POSTGRES_MODULE_OPTIONS');

/** Table where TypeORM records applied migrations. */
export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Key of the session-level advisory lock held while migrations run. Both apps share one
 * database and may start at the same moment; TypeORM itself does not serialise them.
 */
export const MIGRATION_LOCK_KEY = 720_301_017;
