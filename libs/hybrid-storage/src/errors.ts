import type { StoreName } from './domain/readings';

/** Per-store outcome of one call, as reported in results and errors. */
export interface StoreOutcome {
  store: StoreName;
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** `fallback` when the store was written only because the requested target failed. */
  role: 'target' | 'fallback';
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
