import { Transaction } from '@smartgrid/audit';
import { DataSource, EntityManager } from 'typeorm';

/** The domain's opaque Transaction, as the PostgreSQL adapters hold it: a TypeORM manager. */
export class PgTransaction extends Transaction {
  constructor(readonly manager: EntityManager) {
    super();
  }
}

/** The manager to run a statement with: the caller's transaction, else the pool. */
export function managerOf(dataSource: DataSource, tx?: Transaction): EntityManager {
  if (tx === undefined) return dataSource.manager;
  if (tx instanceof PgTransaction) return tx.manager;
  throw new Error('a transaction of another store was passed to a PostgreSQL adapter');
}

/** Runs `work` in a transaction of `dataSource`, handing it the domain's Transaction. */
export function inPgTransaction<T>(dataSource: DataSource, work: (tx: PgTransaction) => Promise<T>): Promise<T> {
  return dataSource.transaction((manager) => work(new PgTransaction(manager)));
}

/** The SQLSTATE of a pg error, whether raw or wrapped by TypeORM (QueryFailedError). */
export function sqlState(e: unknown): string | undefined {
  const err = e as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = err?.driverError?.code ?? err?.code;
  return typeof code === 'string' ? code : undefined;
}
