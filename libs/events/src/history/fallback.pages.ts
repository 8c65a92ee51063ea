import { messageOf, withTimeout } from '@smartgrid/hybrid-storage';
import { encodeCursor } from './cursor.codec';

/** No store could answer a list query; `attempts` says why each failed. */
export class NoStoreAnsweredError extends Error {
  constructor(readonly attempts: { store: string; error: string }[]) {
    super(`no store could answer: ${attempts.map((a) => `${a.store}: ${a.error}`).join('; ')}`);
    this.name = 'NoStoreAnsweredError';
  }
}

export interface FallbackPage<T, S extends string> {
  rows: (T & { source: S })[];
  source: S;
  /** Stores tried first that could not answer. */
  failed: { store: S; error: string }[];
  nextCursor: string | null;
}

export interface FallbackRead<T, S extends string> {
  /** Stores in the order to try them (a cursor pins the walk to its one store). */
  order: readonly S[];
  limit: number;
  timeoutMs: number;
  /** For the timeout's message, e.g. `alarms`. */
  what: string;
  /** Up to `limit` rows from one store, newest first (after the cursor's row, if any). */
  read(store: S, limit: number): Promise<T[]>;
  /** The row's place in the newest-first order, for the next page's cursor. */
  keyOf(row: T): { at: Date; id: string };
  unavailable(failed: { store: S; error: string }[]): Error;
}

/**
 * One page from the first store that answers within the timeout: `limit + 1` rows are read, so
 * a further row means a next page, whose cursor keeps the walk on that store; every row names
 * its store. Throws `unavailable` with each store's failure when none answers.
 */
export async function firstAnsweringPage<T, S extends string>(r: FallbackRead<T, S>): Promise<FallbackPage<T, S>> {
  const failed: { store: S; error: string }[] = [];
  for (const store of r.order) {
    try {
      const rows = await withTimeout(r.read(store, r.limit + 1), r.timeoutMs, `${store} ${r.what}`);
      const page = rows.slice(0, r.limit);
      const last = page[page.length - 1];
      const key = last ? r.keyOf(last) : undefined;
      return {
        rows: page.map((row) => ({ ...row, source: store })),
        source: store,
        failed,
        nextCursor: rows.length > r.limit && key ? encodeCursor(store, key.at, key.id) : null,
      };
    } catch (err) {
      failed.push({ store, error: messageOf(err) });
    }
  }
  throw r.unavailable(failed);
}
