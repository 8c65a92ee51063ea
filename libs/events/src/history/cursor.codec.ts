/**
 * Keyset cursors of the event and alarm lists: the store the walk is pinned to, and the last
 * row's (time, id) in newest-first order. Opaque to clients (base64url).
 */
export function encodeCursor(store: string, at: Date, id: string): string {
  return Buffer.from(JSON.stringify([store, at.getTime(), id])).toString('base64url');
}

export function decodeCursor(raw: string): { store: string; at: Date; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [store, at, id] = v as unknown[];
    if (typeof store !== 'string' || typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string' || id.length > 200) return null;
    return { store, at: new Date(at), id };
  } catch {
    return null;
  }
}
