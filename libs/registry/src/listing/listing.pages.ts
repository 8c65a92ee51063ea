import { decodeCursor, encodeCursor } from './listing.cursor';
import type { KeysetPosition, ListResult, Page, SortSpec } from './list-query.model';

/** Runs a keyset listing from an optional cursor and turns its result into a page with the next cursor. */
export async function paged<T, Q extends { sort: SortSpec<string>; after?: KeysetPosition }>(
  query: Omit<Q, 'after'>,
  cursor: string | undefined,
  list: (q: Q) => Promise<ListResult<T>>,
): Promise<Page<T>> {
  const q = { ...query, ...(cursor !== undefined ? { after: decodeCursor(cursor, query.sort) } : {}) } as Q;
  const r = await list(q);
  return { items: r.items, nextCursor: r.next ? encodeCursor(query.sort, r.next) : null };
}
