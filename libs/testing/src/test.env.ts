import { uniqueName } from './test.names';

export type TestEnv = Record<string, string>;

// Read once, when a test file first imports this module: apps booted in-process (createApp
// with `env`) write into process.env, and a test that boots one with a bad CASSANDRA_PORT must
// not change where the next testEnv() points.
const startupEnv: Readonly<Record<string, string | undefined>> = { ...process.env };
const env = (name: string, fallback: string): string => startupEnv[name] || fallback;

/**
 * A complete environment for booting either app against the local stack, with names owned by
 * the calling test file: its own PostgreSQL database (create it with createTestDatabase or
 * use setupTestStack), Cassandra keyspace, MongoDB database and Kafka topic prefix.
 * Connection settings follow the stack's defaults unless the process env overrides them.
 */
export function testEnv(overrides: Record<string, string> = {}): TestEnv {
  const name = uniqueName('sg');
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    POSTGRES_HOST: env('POSTGRES_HOST', '127.0.0.1'),
    POSTGRES_PORT: env('POSTGRES_PORT', '5432'),
    POSTGRES_DB: name,
    POSTGRES_USER: env('POSTGRES_USER', 'smartgrid'),
    POSTGRES_PASSWORD: env('POSTGRES_PASSWORD', 'smartgrid'),
    POSTGRES_POOL_SIZE: '5',
    CASSANDRA_HOSTS: env('CASSANDRA_HOSTS', '127.0.0.1'),
    CASSANDRA_PORT: env('CASSANDRA_PORT', '9042'),
    CASSANDRA_KEYSPACE: name,
    CASSANDRA_LOCAL_DC: env('CASSANDRA_LOCAL_DC', 'datacenter1'),
    CASSANDRA_REPLICATION_STRATEGY: 'SimpleStrategy',
    CASSANDRA_REPLICATION_FACTOR: '1',
    USE_CASSANDRA: 'true',
    MONGODB_HOST: env('MONGODB_HOST', '127.0.0.1'),
    MONGODB_PORT: env('MONGODB_PORT', '27017'),
    MONGODB_DB: name,
    USE_MONGODB_AUDIT: 'true',
    KAFKA_BROKERS: env('KAFKA_BROKERS', '127.0.0.1:9092'),
    KAFKA_CLIENT_ID: name.replace(/_/g, '-'),
    KAFKA_TOPIC_PREFIX: `${name.replace(/_/g, '-')}.`,
    KAFKA_TOPIC_PARTITIONS: '2',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    ...overrides,
  };
}
