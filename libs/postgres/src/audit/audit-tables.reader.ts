import { DataSource } from 'typeorm';
import { PostgresAuditCheckpointStore } from './postgres-audit-checkpoint.store';
import { PostgresAuditLogStore } from './postgres-audit-log.store';

/** Where an offline tool reads the audit tables: any role that may SELECT them will do. */
export interface AuditTablesAddress {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  /** As the connection shows in pg_stat_activity. */
  applicationName: string;
}

/**
 * The audit log and checkpoint stores over a short-lived connection of their own (pool of
 * two), closed when `work` ends — for tools outside the app, such as `npm run audit:verify`,
 * so they read through the same adapters as the app without holding a TypeORM type.
 */
export async function withAuditTables<T>(
  address: AuditTablesAddress,
  work: (stores: { log: PostgresAuditLogStore; checkpoints: PostgresAuditCheckpointStore }) => Promise<T>,
): Promise<T> {
  const ds = new DataSource({
    type: 'postgres',
    host: address.host,
    port: address.port,
    database: address.database,
    username: address.user,
    password: address.password,
    applicationName: address.applicationName,
    poolSize: 2,
  });
  await ds.initialize();
  try {
    return await work({ log: new PostgresAuditLogStore(ds), checkpoints: new PostgresAuditCheckpointStore(ds) });
  } finally {
    await ds.destroy();
  }
}
