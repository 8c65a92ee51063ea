import { Logger } from '@nestjs/common';
import { Client } from 'cassandra-driver';
import { buildClientOptions, CassandraConfig, CassandraModuleOptions, createKeyspaceCql } from './cassandra.options';
import { CqlMigrator } from './cql-migrations';
import { StoreNotReadyError } from '@smartgrid/hybrid-storage';

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
 * The app's Cassandra client and whether it can be used yet. In `background` mode the app
 * starts without waiting for Cassandra: the keyspace bootstrap, connection and migrations run
 * in the background, retried with backoff until they succeed, and tasks registered with
 * onReady() run once they have. Until then `ready` is false, the health probe reports down
 * (naming why), and adapters refuse to use the client (StoreNotReadyError: unavailable, so
 * the hybrid storage keeps their rows in the backlog). After that the driver reconnects by
 * itself through outages.
 */
export class CassandraConnection {
  readonly client: Client;
  private readyFlag = false;
  private closed = false;
  private lastError: string | null = null;
  private readonly readyWaiters: (() => void)[] = [];
  private readonly readyTasks: (() => Promise<void>)[] = [];
  private loop: Promise<void> | undefined;

  constructor(
    private readonly cfg: CassandraConfig,
    private readonly options: CassandraModuleOptions,
  ) {
    this.client = new Client(buildClientOptions(cfg, options, cfg.keyspace));
    closeReplacedHostPools(this.client);
  }

  get ready(): boolean {
    return this.readyFlag;
  }

  /** Why the connection is not ready (the last bootstrap error), or null. */
  get notReadyReason(): string | null {
    return this.readyFlag ? null : (this.lastError ?? 'connecting');
  }

  /** Resolves once connected and migrated. */
  whenReady(): Promise<void> {
    if (this.readyFlag) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Runs `task` once connected and migrated: now (resolving when it is done) if already,
   * else right after the connection succeeds. A failing task is logged, not fatal.
   */
  onReady(task: () => Promise<void>): Promise<void> {
    if (this.readyFlag) return this.runTask(task);
    this.readyTasks.push(task);
    return Promise.resolve();
  }

  /** Connects now, failing after `connectAttempts` (start-up mode). */
  async connectNow(): Promise<void> {
    const attempts = this.options.connectAttempts ?? 5;
    const delay = this.options.connectRetryDelayMs ?? 2000;
    await withRetries('Cassandra bootstrap', attempts, delay, () => this.bootstrap());
    await this.markReady();
  }

  /**
   * Tries to connect once and resolves after that first attempt, succeeded or not; on failure
   * it keeps retrying in the background (backoff 1 s doubling to 30 s) until it succeeds or
   * close(). A store that is up is thus ready when the app starts; one that is down is not
   * waited for.
   */
  connectInBackground(): Promise<void> {
    if (this.loop) return Promise.resolve();
    let firstAttempt!: () => void;
    const first = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.loop = (async () => {
      let delay = 1000;
      for (let attempt = 1; !this.closed; attempt++) {
        try {
          await this.bootstrap();
          await this.markReady();
          return;
        } catch (err) {
          this.lastError = err instanceof Error ? err.message : String(err);
          if (attempt === 1 || attempt % 10 === 0) logger.warn(`not connected yet (attempt ${attempt}), retrying in the background: ${this.lastError}`);
          firstAttempt();
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(30_000, delay * 2);
        }
      }
    })().finally(() => firstAttempt());
    return first;
  }

  async close(): Promise<void> {
    this.closed = true;
    await shutdownCassandra(this.client);
  }

  private async bootstrap(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await ensureKeyspace(this.cfg, this.options);
    await this.client.connect();
    await new CqlMigrator(this.client).migrate(this.options.migrations);
  }

  private async markReady(): Promise<void> {
    this.readyFlag = true;
    this.lastError = null;
    logger.log(`connected to ${this.cfg.contactPoints.join(',')}:${this.cfg.port}, keyspace ${this.cfg.keyspace}`);
    for (const task of this.readyTasks.splice(0)) await this.runTask(task);
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private async runTask(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      logger.warn(`a task run after connecting failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Fails fast with a StoreNotReadyError while the connection is still being set up. */
export function assertCassandraReady(connection: CassandraConnection): void {
  if (!connection.ready) throw new StoreNotReadyError('cassandra', connection.notReadyReason ?? 'connecting');
}
