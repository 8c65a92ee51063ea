import type { ConfigType } from '@nestjs/config';
import type { cassandraConfig } from '@smartgrid/config';
import { ClientOptions, policies, types } from 'cassandra-driver';
import type { CqlMigration } from './cql.migrations';

export type CassandraConfig = ConfigType<typeof cassandraConfig>;

export interface CassandraModuleOptions {
  /** Versioned CQL migrations applied in version order inside the configured keyspace. */
  migrations: CqlMigration[];
  /**
   * `startup` (default): connect before the app starts, failing after `connectAttempts`.
   * `background`: start without Cassandra and connect when it answers (see CassandraConnection).
   */
  connect?: 'startup' | 'background';
  /** Connection attempts at start-up before giving up (default 5, 2 s apart). */
  connectAttempts?: number;
  connectRetryDelayMs?: number;
  /** Upper bound for one health probe (default 3000 ms). */
  healthTimeoutMs?: number;
  /** Delay between reconnection attempts to a node marked down (default 1000 ms). */
  reconnectDelayMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

const CQL_IDENTIFIER = /^[a-z][a-z0-9_]{0,47}$/;

/** Guards every identifier we interpolate into CQL (keyspace names cannot be bound). */
export function assertCqlIdentifier(name: string, what = 'identifier'): string {
  if (!CQL_IDENTIFIER.test(name)) {
    throw new Error(`Invalid Cassandra ${what} "${name}": use lower-case letters, digits and _ (max 48)`);
  }
  return name;
}

/**
 * Driver options. Reconnection is constant and short so a node that comes back is used again
 * within about a second, without restarting the app; the heartbeat and read timeout bound how
 * long a silently dead connection can go unnoticed.
 */
export function buildClientOptions(
  cfg: CassandraConfig,
  options: Pick<CassandraModuleOptions, 'reconnectDelayMs'> = {},
  keyspace?: string,
): ClientOptions {
  return {
    contactPoints: cfg.contactPoints,
    localDataCenter: cfg.localDataCenter,
    ...(keyspace ? { keyspace } : {}),
    protocolOptions: { port: cfg.port },
    ...(cfg.user ? { credentials: { username: cfg.user, password: cfg.password ?? '' } } : {}),
    policies: {
      reconnection: new policies.reconnection.ConstantReconnectionPolicy(options.reconnectDelayMs ?? 1000),
    },
    socketOptions: { connectTimeout: 3000, readTimeout: 12_000 },
    pooling: { heartBeatInterval: 5000 },
    queryOptions: { consistency: types.consistencies.localQuorum },
  };
}

/** `CREATE KEYSPACE IF NOT EXISTS` with the configured replication strategy and factor. */
export function createKeyspaceCql(cfg: CassandraConfig): string {
  const keyspace = assertCqlIdentifier(cfg.keyspace, 'keyspace');
  const factor = cfg.replicationFactor;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`Invalid Cassandra replication factor ${factor}`);
  let replication: string;
  if (cfg.replicationClass === 'NetworkTopologyStrategy') {
    const dc = cfg.localDataCenter.replace(/'/g, "''");
    replication = `{'class': 'NetworkTopologyStrategy', '${dc}': ${factor}}`;
  } else {
    replication = `{'class': 'SimpleStrategy', 'replication_factor': ${factor}}`;
  }
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication} AND durable_writes = true`;
}
