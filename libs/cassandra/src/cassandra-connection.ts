import { Logger } from '@nestjs/common';
import { Client } from 'cassandra-driver';
import { buildClientOptions, CassandraConfig, CassandraModuleOptions, createKeyspaceCql } from './cassandra.options';
import { CqlMigrator } from './cql-migrations';

const logger = new Logger('Cassandra');

async function withRetries<T>(what: string, attempts: number, delayMs: number, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) throw err;
      logger.warn(`${what} failed (attempt ${attempt}/${attempts}): ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Creates the keyspace if missing, using a short-lived client that has no keyspace yet. */
export async function ensureKeyspace(cfg: CassandraConfig, options: CassandraModuleOptions): Promise<void> {
  const bootstrap = new Client(buildClientOptions(cfg, options));
  try {
    await bootstrap.connect();
    await bootstrap.execute(createKeyspaceCql(cfg));
  } finally {
    await bootstrap.shutdown();
  }
}

type InternalHost = { address?: string; shutdown?: (waitForPending: boolean) => Promise<void> };

/** Hosts the driver dropped from each client's host map (see closeReplacedHostPools). */
const replacedHosts = new WeakMap<Client, Set<InternalHost>>();

/**
 * cassandra-driver 4.10 bug workaround: after an outage of every node, the control connection
 * reconnects through the contact points and replaces each Host with a new object, but the
 * replaced Host keeps its connection pool, and may even reopen it while it is being replaced.
 * `client.shutdown()` never reaches it, so its sockets and heartbeat timers outlive the client
 * (and keep the process from exiting). Drain such a pool when the driver drops its host, and
 * close it for good in shutdownCassandra(). `Host#shutdown` is internal to the driver.
 */
export function closeReplacedHostPools(client: Client): void {
  const dropped = new Set<InternalHost>();
  replacedHosts.set(client, dropped);
  client.on('hostRemove', (host: InternalHost) => {
    dropped.add(host);
    host.shutdown?.(true).catch((err: unknown) => logger.warn(`draining a replaced host's pool failed: ${String(err)}`));
  });
}

/** `client.shutdown()` plus the pools of hosts the driver replaced while the app ran. */
export async function shutdownCassandra(client: Client): Promise<void> {
  await client.shutdown();
  const dropped = replacedHosts.get(client) ?? new Set<InternalHost>();
  await Promise.allSettled([...dropped].map((h) => h.shutdown?.(false)));
  dropped.clear();
}

/**
 * Connects the app's client: keyspace bootstrapped with the configured replication, CQL
 * migrations applied. Start-up retries cover a server that is still coming up.
 */
export async function connectCassandra(cfg: CassandraConfig, options: CassandraModuleOptions): Promise<Client> {
  const attempts = options.connectAttempts ?? 5;
  const delay = options.connectRetryDelayMs ?? 2000;
  await withRetries('Cassandra keyspace bootstrap', attempts, delay, () => ensureKeyspace(cfg, options));

  const client = new Client(buildClientOptions(cfg, options, cfg.keyspace));
  closeReplacedHostPools(client);
  try {
    await withRetries('Cassandra connect', attempts, delay, () => client.connect());
    await new CqlMigrator(client).migrate(options.migrations);
  } catch (err) {
    await shutdownCassandra(client);
    throw err;
  }
  logger.log(`connected to ${cfg.contactPoints.join(',')}:${cfg.port}, keyspace ${cfg.keyspace}`);
  return client;
}
