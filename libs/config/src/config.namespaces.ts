import { registerAs } from '@nestjs/config';

// Each namespace reads env that validateEnvironment() has already checked, so parsing here
// only applies defaults; it never has to report errors.
const str = (name: string, fallback = ''): string => process.env[name] ?? fallback;
const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : Number(raw);
};
const bool = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['true', '1', 'yes', 'on'].includes(raw.trim().toLowerCase());
};
const list = (name: string): string[] =>
  str(name)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** TRUST_PROXY as Express takes it: false, a hop count, or a list of addresses/ranges. */
function trustProxy(): false | number | string[] {
  const raw = str('TRUST_PROXY').replace(/\s+/g, '');
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',');
}

export const httpConfig = registerAs('http', () => ({
  port: int('PORT', 3000),
  /** Explicit browser origins; empty: CORS off. */
  corsOrigins: list('CORS_ORIGINS'),
  trustProxy: trustProxy(),
  /** Largest JSON request body accepted (413 above). */
  bodyLimitKb: int('HTTP_BODY_LIMIT_KB', 100),
  metrics: {
    /** Separate listener for /metrics (then not served on the API port). */
    port: process.env.METRICS_PORT !== undefined && process.env.METRICS_PORT !== '' ? Number(process.env.METRICS_PORT) : undefined,
    host: str('METRICS_HOST', '127.0.0.1'),
    /** Bearer token required on /metrics when set. */
    token: process.env.METRICS_TOKEN || undefined,
  },
}));

export const postgresConfig = registerAs('postgres', () => ({
  host: str('POSTGRES_HOST'),
  port: int('POSTGRES_PORT', 5432),
  database: str('POSTGRES_DB'),
  user: str('POSTGRES_USER'),
  password: str('POSTGRES_PASSWORD'),
  poolSize: int('POSTGRES_POOL_SIZE', 10),
  /** Owner role for migrations; undefined: migrate as `user`. */
  migrationUser: process.env.POSTGRES_MIGRATION_USER || undefined,
  migrationPassword: process.env.POSTGRES_MIGRATION_PASSWORD || undefined,
}));

export const cassandraConfig = registerAs('cassandra', () => ({
  contactPoints: list('CASSANDRA_HOSTS'),
  port: int('CASSANDRA_PORT', 9042),
  keyspace: str('CASSANDRA_KEYSPACE'),
  localDataCenter: str('CASSANDRA_LOCAL_DC', 'datacenter1'),
  user: process.env.CASSANDRA_USER || undefined,
  password: process.env.CASSANDRA_PASSWORD || undefined,
  replicationClass: str('CASSANDRA_REPLICATION_STRATEGY', 'SimpleStrategy') as
    | 'SimpleStrategy'
    | 'NetworkTopologyStrategy',
  replicationFactor: int('CASSANDRA_REPLICATION_FACTOR', 1),
  /** 0 keeps data forever. */
  defaultTtlSeconds: int('CASSANDRA_DEFAULT_TTL_SECONDS', 0),
}));

export const mongoConfig = registerAs('mongo', () => {
  const host = str('MONGODB_HOST');
  const port = int('MONGODB_PORT', 27017);
  const database = str('MONGODB_DB');
  const user = process.env.MONGODB_USER || undefined;
  const password = process.env.MONGODB_PASSWORD || undefined;
  const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@` : '';
  return { host, port, database, user, password, uri: `mongodb://${auth}${host}:${port}/${database}` };
});

export const kafkaConfig = registerAs('kafka', () => ({
  brokers: list('KAFKA_BROKERS'),
  clientId: str('KAFKA_CLIENT_ID', 'smartgrid'),
  topicPrefix: str('KAFKA_TOPIC_PREFIX'),
  topicPartitions: int('KAFKA_TOPIC_PARTITIONS', 3),
  /** How long the group waits for a silent consumer before handing its partitions to another. */
  sessionTimeoutMs: int('KAFKA_SESSION_TIMEOUT_MS', 30_000),
}));

export const authConfig = registerAs('auth', () => ({
  jwtSecret: str('JWT_SECRET'),
  jwtTtlSeconds: int('JWT_TTL_SECONDS', 900),
}));

export const auditConfig = registerAs('audit', () => ({
  /** Ed25519 private key (PEM or base64 DER) signing checkpoints; undefined: none are signed. */
  checkpointKey: process.env.AUDIT_CHECKPOINT_KEY || undefined,
  checkpointIntervalSeconds: int('AUDIT_CHECKPOINT_INTERVAL_SECONDS', 300),
}));

export const appFlags = registerAs('flags', () => ({
  /** Default write target: both stores when true, PostgreSQL only when false. */
  useCassandra: bool('USE_CASSANDRA', true),
  /** Mirror audit entries into MongoDB when true (PostgreSQL always keeps the chain). */
  useMongodbAudit: bool('USE_MONGODB_AUDIT', true),
}));

export const retentionConfig = registerAs('retention', () => ({
  /** Days; 0 keeps the data forever. */
  sensorDays: int('SENSOR_DATA_RETENTION_DAYS', 0),
  meterDays: int('METER_READINGS_RETENTION_DAYS', 0),
  aggregatesDays: int('AGGREGATES_RETENTION_DAYS', 0),
  /** Pause between two runs of the retention job (partition drops, aggregate pruning). */
  intervalSeconds: int('RETENTION_INTERVAL_SECONDS', 3600),
}));

export const ALL_NAMESPACES = [httpConfig, postgresConfig, cassandraConfig, mongoConfig, kafkaConfig, authConfig, auditConfig, appFlags, retentionConfig];
