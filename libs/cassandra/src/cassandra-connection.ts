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

/**
 * Connects the app's client: keyspace bootstrapped with the configured replication, CQL
 * migrations applied. Start-up retries cover a server that is still coming up.
 */
export async function connectCassandra(cfg: CassandraConfig, options: CassandraModuleOptions): Promise<Client> {
  const attempts = options.connectAttempts ?? 5;
  const delay = options.connectRetryDelayMs ?? 2000;
  await withRetries('Cassandra keyspace bootstrap', attempts, delay, () => ensureKeyspace(cfg, options));

  const client = new Client(buildClientOptions(cfg, options, cfg.keyspace));
  try {
    await withRetries('Cassandra connect', attempts, delay, () => client.connect());
    await new CqlMigrator(client).migrate(options.migrations);
  } catch (err) {
    await client.shutdown();
    throw err;
  }
  logger.log(`connected to ${cfg.contactPoints.join(',')}:${cfg.port}, keyspace ${cfg.keyspace}`);
  return client;
}
