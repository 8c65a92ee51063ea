import type { StoreName } from './domain/readings.model';

/** Per-store outcome of one call, as reported in results and errors. */
export interface StoreOutcome {
  store: StoreName;
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** `fallback` when the store was written only because the requested target failed. */
  role: 'target' | 'fallback';
  /** Rows the store refused (it answered, so it is not down); they were split out of the batch. */
  refusedRows?: number;
}

/**
 * No store could take the write durably: either every store failed, or a store missed it and
 * no backlog could record that. Nothing may be acknowledged upstream (the Kafka consumer
 * pauses and retries; retries are safe because writes are idempotent).
 */
export class StorageUnavailableError extends Error {
  constructor(
    message: string,
    readonly outcomes: StoreOutcome[],
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

/** A read failed in every store it was allowed to use. */
export class StorageReadError extends Error {
  constructor(
    message: string,
    readonly attempts: { store: StoreName; error: string }[],
  ) {
    super(message);
    this.name = 'StorageReadError';
  }
}

export class StoreTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** Rejects with StoreTimeoutError if `work` has not settled after `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A store refused the rows themselves (a value it cannot hold, a constraint), as opposed to
 * being unavailable: retrying the same rows cannot succeed. Adapters throw it only when the
 * store's own answer says so (e.g. a PostgreSQL data exception); anything else counts as the
 * store being unavailable. A refused row is split out of its batch and quarantined for that
 * store, and never holds up the rows behind it.
 */
export class StoreRefusedError extends Error {
  constructor(
    readonly store: StoreName,
    message: string,
    /** The store's own error code (SQLSTATE, CQL error code), when it has one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StoreRefusedError';
  }
}

/**
 * A named store that cannot be used yet (still connecting, schema not applied): a kind of
 * unavailability. The base of the not-ready errors of each family of stores; callers test for
 * the family's own class, and the error's name is that class's.
 */
export abstract class NotReadyError<S extends string> extends Error {
  constructor(
    readonly store: S,
    reason: string,
  ) {
    super(`${store} is not ready: ${reason}`);
    this.name = new.target.name;
  }
}

/** A time-series store (or the store a backlog or quarantine lives in) is not ready. */
export class StoreNotReadyError extends NotReadyError<StoreName> {}

/** Runs `work`, rethrowing what it throws as `classify` sees it (an adapter's refusals as StoreRefusedError). */
export async function errorsClassified<T>(work: () => Promise<T>, classify: (err: unknown) => unknown): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classify(err);
  }
}

export function isRefusal(err: unknown): err is StoreRefusedError {
  return err instanceof StoreRefusedError;
}
