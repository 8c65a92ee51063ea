import { RegistryError, RegistryStoreUnavailableError } from '@smartgrid/registry';
import { StoreNotReadyError } from '@smartgrid/hybrid-storage';
import { sqlState } from '../postgres.transaction';

/** What an error means for the registry, by SQLSTATE (and its constraint, for 23xxx). */
export interface PgViolation {
  code: string;
  constraint: string | undefined;
}

function violationOf(err: unknown): PgViolation | undefined {
  const code = sqlState(err);
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const e = err as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const constraint = e.driverError?.constraint ?? e.constraint;
  return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
}

/** Connection-level failures (not answers about the data): the store is unavailable for now. */
function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreNotReadyError) return true;
  const v = violationOf(err);
  if (v) return /^(08|53|57|58)/.test(v.code);
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  return (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) || /Connection terminated|timeout|not connected|Connection is not established/i.test(message);
}

/**
 * Runs a registry statement or transaction: domain errors pass through, a violation the
 * caller knows (`explain`) becomes its domain error, connection failures become
 * RegistryStoreUnavailableError('postgres'); anything else is a bug and propagates.
 */
export async function registryCall<T>(work: () => Promise<T>, explain?: (v: PgViolation) => RegistryError | undefined): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    const v = violationOf(err);
    const known = v && explain?.(v);
    if (known) throw known;
    if (isUnavailable(err)) throw new RegistryStoreUnavailableError('postgres', err instanceof Error ? err.message : String(err));
    throw err;
  }
}
