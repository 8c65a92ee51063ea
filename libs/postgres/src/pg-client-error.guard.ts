import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

interface PgClientLike {
  on(event: 'error', listener: (err: Error) => void): unknown;
  listeners(event: 'error'): unknown[];
}

interface PgPoolLike {
  on(event: 'connect', listener: (client: PgClientLike) => void): unknown;
  _clients?: PgClientLike[];
}

const guarded = new WeakSet<object>();
const logger = new Logger('PostgresClients');

function absorb(err: Error): void {
  logger.debug(`connection error after release: ${err.message}`);
}

/**
 * Keeps a PostgreSQL restart from crashing the process. A pg client emits 'error' when the
 * server ends its session (57P01 on shutdown) while no query is active; TypeORM removes its
 * listener as soon as it releases a client with an error, and pg-pool removes its own while a
 * client is checked out or being closed, so a late second 'error' on such a client had no
 * listener: an uncaught exception (seen in the PostgreSQL outage spec). Every client of the
 * DataSource's pool gets a listener for its whole life; the error itself is still reported
 * to whoever's query failed and through the pool's handler. Idempotent per pool; installed by
 * PostgresModule right after the DataSource connects.
 */
export function guardPgClientErrors(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: PgPoolLike }).master;
  if (!pool || guarded.has(pool)) return;
  guarded.add(pool);
  const guard = (client: PgClientLike): void => {
    if (!client.listeners('error').includes(absorb)) client.on('error', absorb);
  };
  pool.on('connect', guard);
  for (const client of pool._clients ?? []) guard(client);
}
