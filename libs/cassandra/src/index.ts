export { CassandraModule } from './cassandra.module';
export { CassandraHealthIndicator } from './cassandra.health';
export { CASSANDRA_CLIENT, MIGRATIONS_TABLE as CQL_MIGRATIONS_TABLE } from './cassandra.constants';
export { assertCqlIdentifier, buildClientOptions, createKeyspaceCql } from './cassandra.options';
export type { CassandraConfig, CassandraModuleOptions } from './cassandra.options';
export { CqlMigrationError, CqlMigrator, migrationChecksum, planMigrations, sortMigrations } from './cql.migrations';
export type { AppliedMigration, CqlMigration } from './cql.migrations';
export { assertCassandraReady, CassandraConnection, closeReplacedHostPools, ensureKeyspace, shutdownCassandra } from './cassandra.connection';
export * from './timeseries';
