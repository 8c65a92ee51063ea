import { Logger } from '@nestjs/common';
import { Client } from 'cassandra-driver';
import { buildClientOptions, CassandraConfig, CassandraModuleOptions, createKeyspaceCql } from './cassandra.options';
import { CqlMigrator } from './cql.migrations';
import { StoreConnection } from '@smartgrid/hybrid-storage';

const logger = new Logger('Cassandra');


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
 * The app's Cassandra client and whether it can be used yet (see StoreConnection): setting up
 * means creating the keyspace with the configured replication, connecting, and applying the
 * CQL migrations. Once ready, the driver reconnects by itself through outages.
 */
export class CassandraConnection extends StoreConnection {
  readonly client: Client;

  constructor(
    private readonly cfg: CassandraConfig,
    private readonly options: CassandraModuleOptions,
  ) {
    super('cassandra', 'Cassandra');
    this.client = new Client(buildClientOptions(cfg, options, cfg.keyspace));
    closeReplacedHostPools(this.client);
  }

  async close(): Promise<void> {
    this.markClosed();
    await shutdownCassandra(this.client);
  }

  protected async establish(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await ensureKeyspace(this.cfg, this.options);
    await this.client.connect();
    await new CqlMigrator(this.client).migrate(this.options.migrations);
    logger.log(`connected to ${this.cfg.contactPoints.join(',')}:${this.cfg.port}, keyspace ${this.cfg.keyspace}`);
  }
}

/** Fails fast with a StoreNotReadyError while the connection is still being set up. */
export function assertCassandraReady(connection: CassandraConnection): void {
  connection.assertReady();
}
