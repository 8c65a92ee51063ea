/** DI token of the connected cassandra-driver `Client` (keyspace set, migrations applied). */
export const CASSANDRA_CLIENT = Symbol('CASSANDRA_CLIENT');

/** DI token of the options given to CassandraModule.forRootAsync. */
export const CASSANDRA_MODULE_OPTIONS = Symbol('CASSANDRA_MODULE_OPTIONS');

export const MIGRATIONS_TABLE = 'schema_migrations';
export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';
