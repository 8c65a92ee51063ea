import { RegistryInputError } from '../registry.errors';
import type { KeysetPosition, SortSpec } from './list-query.model';

/**
 * Opaque page cursors: base64url of the sort they belong to and the keyset position. A
 * cursor only continues the listing it came from: used with another sort it is refused.
 */
export function encodeCursor(sort: SortSpec<string>, pos: KeysetPosition): string {
  return Buffer.from(JSON.stringify([sort.field, sort.descending ? 1 : 0, pos.key, pos.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: SortSpec<string>): KeysetPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new RegistryInputError('cursor', 'is not a cursor returned by this listing');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new RegistryInputError('cursor', 'is not a cursor returned by this listing');
  const [field, desc, key, id] = parsed as unknown[];
  if (field !== sort.field || desc !== (sort.descending ? 1 : 0)) {
    throw new RegistryInputError('cursor', 'belongs to a listing with another sort');
  }
  if (typeof id !== 'string' || !(key === null || typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key)))) {
    throw new RegistryInputError('cursor', 'is not a cursor returned by this listing');
  }
  return { key, id };
}
