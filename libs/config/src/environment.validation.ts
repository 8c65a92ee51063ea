import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { createPrivateKey } from 'node:crypto';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
  ValidationError,
} from 'class-validator';

/** Which groups of variables an app needs; each app lists its own. */
export type ConfigSection = 'postgres' | 'cassandra' | 'mongo' | 'kafka' | 'auth' | 'audit' | 'retention';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so IsBoolean names the variable
};

// Empty strings count as missing: `POSTGRES_HOST=` is as wrong as no POSTGRES_HOST.
const emptyToUndefined = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

// `@Type(() => Number)` would turn an empty string into 0; empty means unset here.
const optionalNumber = ({ value }: { value: unknown }): unknown =>
  value === undefined || value === null || value === '' ? undefined : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

// Lists written with spaces after the commas are read without them; empty means unset.
const compactList = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.replace(/\s+/g, '');
  return v === '' ? undefined : v;
};

const HOST_LIST = /^[A-Za-z0-9._-]+(:\d{1,5})?(,[A-Za-z0-9._-]+(:\d{1,5})?)*$/;

// An origin as browsers send it: scheme, host and optional port; no path, no wildcard.
const ORIGIN = String.raw`https?://[A-Za-z0-9.-]+(:\d{1,5})?`;
const ORIGIN_LIST = new RegExp(`^${ORIGIN}(,${ORIGIN})*$`);
// Express "trust proxy": a hop count, or addresses / CIDR ranges / Express's named ranges.
// `true` (trust every hop, so any client can choose its own address) is refused on purpose.
const PROXY_ADDRESS = String.raw`(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(/\d{1,3})?)`;
const TRUST_PROXY = new RegExp(String.raw`^(false|\d{1,2}|${PROXY_ADDRESS}(,${PROXY_ADDRESS})*)$`);

export class HttpEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  PORT?: number;

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL?: string;

  /** Browser origins allowed to call the API cross-origin; unset: no CORS at all. */
  @Transform(compactList) @IsOptional()
  @Matches(ORIGIN_LIST, { message: 'CORS_ORIGINS must be a comma-separated list of origins like https://grid.example.com (no "*", no path)' })
  CORS_ORIGINS?: string;

  @Transform(compactList) @IsOptional()
  @Matches(TRUST_PROXY, { message: 'TRUST_PROXY must be false, a hop count, or a comma-separated list of proxy addresses/CIDR ranges (loopback, linklocal, uniquelocal allowed); "true" is refused' })
  TRUST_PROXY?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10240)
  HTTP_BODY_LIMIT_KB?: number;

  /** Serve /metrics on this port only (not on the API port); 0 picks a free port. */
  @Transform(optionalNumber) @IsOptional() @IsInt() @Min(0) @Max(65535)
  METRICS_PORT?: number;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @Matches(/^[0-9A-Fa-f:.]+$|^localhost$/, { message: 'METRICS_HOST must be an IP address (or localhost)' })
  METRICS_HOST?: string;

  /** Bearer token Prometheus must send for /metrics. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' }) @Matches(/^[\x21-\x7e]+$/, { message: 'METRICS_TOKEN must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;
}

export class PostgresEnv {
  @Transform(emptyToUndefined) @IsString() @IsNotEmpty()
  POSTGRES_HOST!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  POSTGRES_PORT?: number;

  @Transform(emptyToUndefined) @IsString() @IsNotEmpty()
  POSTGRES_DB!: string;

  @Transform(emptyToUndefined) @IsString() @IsNotEmpty()
  POSTGRES_USER!: string;

  @Transform(emptyToUndefined) @IsString() @IsNotEmpty()
  POSTGRES_PASSWORD!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  POSTGRES_POOL_SIZE?: number;

  /**
   * The role that owns the schema and runs migrations (then grants this app's role what it
   * needs). Unset: migrations run as POSTGRES_USER.
   */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'POSTGRES_MIGRATION_USER must be a lower-case PostgreSQL role name' })
  POSTGRES_MIGRATION_USER?: string;

  @IsOptional() @IsString()
  POSTGRES_MIGRATION_PASSWORD?: string;
}

export class CassandraEnv {
  @IsOptional() @Transform(toBool) @IsBoolean()
  USE_CASSANDRA?: boolean;

  @Transform(emptyToUndefined) @IsString() @Matches(HOST_LIST, { message: 'CASSANDRA_HOSTS must be a comma-separated list of host names or addresses' })
  CASSANDRA_HOSTS!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  CASSANDRA_PORT?: number;

  @Transform(emptyToUndefined) @Matches(/^[a-z][a-z0-9_]{0,47}$/, { message: 'CASSANDRA_KEYSPACE must be a lower-case CQL identifier (letters, digits, _; at most 48 chars)' })
  CASSANDRA_KEYSPACE!: string;

  @IsOptional() @IsString()
  CASSANDRA_USER?: string;

  @IsOptional() @IsString()
  CASSANDRA_PASSWORD?: string;

  @IsOptional() @IsString() @IsNotEmpty()
  CASSANDRA_LOCAL_DC?: string;

  @IsOptional() @IsIn(['SimpleStrategy', 'NetworkTopologyStrategy'])
  CASSANDRA_REPLICATION_STRATEGY?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(15)
  CASSANDRA_REPLICATION_FACTOR?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  CASSANDRA_DEFAULT_TTL_SECONDS?: number;
}

export class MongoEnv {
  @IsOptional() @Transform(toBool) @IsBoolean()
  USE_MONGODB_AUDIT?: boolean;

  @Transform(emptyToUndefined) @IsString() @IsNotEmpty()
  MONGODB_HOST!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  MONGODB_PORT?: number;

  @Transform(emptyToUndefined) @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGODB_DB must be 1-63 letters, digits, _ or -' })
  MONGODB_DB!: string;

  @IsOptional() @IsString()
  MONGODB_USER?: string;

  @IsOptional() @IsString()
  MONGODB_PASSWORD?: string;
}

export class KafkaEnv {
  @Transform(emptyToUndefined) @IsString() @Matches(HOST_LIST, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'KAFKA_CLIENT_ID must be 1-64 of [A-Za-z0-9._-]' })
  KAFKA_CLIENT_ID?: string;

  /** Prepended to every topic name; lets tests and side-by-side stacks own their topics. */
  @IsOptional() @Matches(/^[A-Za-z0-9._-]{0,64}$/, { message: 'KAFKA_TOPIC_PREFIX must be at most 64 of [A-Za-z0-9._-]' })
  KAFKA_TOPIC_PREFIX?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  KAFKA_TOPIC_PARTITIONS?: number;

  /** Consumer group session timeout; the broker accepts 6 s to 5 min by default. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(6000) @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS?: number;
}

export class AuthEnv {
  @Transform(emptyToUndefined) @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60) @Max(86400)
  JWT_TTL_SECONDS?: number;
}

/** An Ed25519 private key as PKCS#8 PEM (newlines may be written as \n) or base64 DER. */
function isEd25519PrivateKey(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim().replace(/\\n/g, '\n');
  try {
    const key = text.startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export class AuditEnv {
  /** Signs audit checkpoints; unset: no checkpoints are signed. Never logged, never echoed. */
  @Transform(emptyToUndefined) @IsOptional()
  @ValidateBy({
    name: 'isEd25519PrivateKey',
    validator: {
      validate: isEd25519PrivateKey,
      defaultMessage: () => 'AUDIT_CHECKPOINT_KEY must be an Ed25519 private key, PKCS#8 PEM or base64 DER (npm run audit:keygen makes one)',
    },
  })
  AUDIT_CHECKPOINT_KEY?: string;

  /** Seconds between periodic checkpoints (only when the chain has grown); 0: on demand only. */
  @Transform(optionalNumber) @IsOptional() @IsInt() @Min(0) @Max(86_400)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS?: number;
}

/** How long time-series data is kept (days; 0 = forever) and how often retention runs. */
export class RetentionEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(36500)
  SENSOR_DATA_RETENTION_DAYS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(36500)
  METER_READINGS_RETENTION_DAYS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(36500)
  AGGREGATES_RETENTION_DAYS?: number;

  /** 0: no timer (the job then runs only when asked, e.g. `storage:cli retention`). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(604800)
  RETENTION_INTERVAL_SECONDS?: number;
}

const SECTIONS: Record<ConfigSection, new () => object> = {
  postgres: PostgresEnv,
  cassandra: CassandraEnv,
  mongo: MongoEnv,
  kafka: KafkaEnv,
  auth: AuthEnv,
  audit: AuditEnv,
  retention: RetentionEnv,
};

export class ConfigValidationError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }

  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

function describe(errors: ValidationError[]): { variable: string; message: string }[] {
  return errors.map((e) => ({
    variable: e.property,
    message: Object.values(e.constraints ?? { invalid: `${e.property} is invalid` }).join('; '),
  }));
}

/**
 * Validates the environment for the given sections and returns it unchanged on success, so it
 * can serve as @nestjs/config's `validate` hook. Throws one error naming every bad variable.
 */
export function validateEnvironment(
  env: Record<string, unknown>,
  required: readonly ConfigSection[],
): Record<string, unknown> {
  const problems: { variable: string; message: string }[] = [];
  for (const cls of [HttpEnv, ...required.map((s) => SECTIONS[s])]) {
    const instance = plainToInstance(cls, env, { exposeDefaultValues: false });
    problems.push(...describe(validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false })));
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return env;
}
