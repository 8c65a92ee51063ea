import { errorsClassified, StoreRefusedError } from '@smartgrid/hybrid-storage';

/**
 * SQLSTATEs that mean PostgreSQL refuses the data itself, so the same rows can never be
 * written as they are: data exceptions (class 22: a NUL in text, an untranslatable character,
 * a value out of range), NOT NULL and CHECK violations, and program limits (an index row too
 * large). Everything else — connection errors, shutdown, a missing table while migrations are
 * pending, a foreign key race — is the store being unavailable for now.
 */
function isRefusalCode(code: string): boolean {
  return code.startsWith('22') || code === '23502' || code === '23514' || code === '54000';
}

function sqlStateOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Rethrows a refusal as StoreRefusedError; any other error unchanged. */
export function asPostgresError(err: unknown): unknown {
  const code = sqlStateOf(err);
  if (code !== undefined && isRefusalCode(code)) {
    return new StoreRefusedError('postgres', `postgres refused the rows (SQLSTATE ${code}): ${err instanceof Error ? err.message : String(err)}`, code);
  }
  return err;
}

/** Runs `work`, turning PostgreSQL's refusals into StoreRefusedError. */
export function refusalsClassified<T>(work: () => Promise<T>): Promise<T> {
  return errorsClassified(work, asPostgresError);
}
