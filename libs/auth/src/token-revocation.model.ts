/**
 * A revocation every instance of both apps applies (published by user-management on the Kafka
 * topic `token-revocations`):
 * - `user`: every token of the user with a token version below `minTokenVersion` is void
 *   (disabled, role or password changed, deleted, "log out everywhere"); the user's version
 *   is kept in its account and carried by each token (`tv`), so no clock is compared;
 * - `token`: one token (its `jti`) is void until it expires anyway (log out).
 */
export type UserTokensRevocation = { kind: 'user'; userId: string; minTokenVersion: number; reason: string; revokedAt: string };
export type SingleTokenRevocation = { kind: 'token'; jti: string; userId: string; expiresAt: string; revokedAt: string };
export type TokenRevocation = UserTokensRevocation | SingleTokenRevocation;

/** The Kafka key: one per user (compaction keeps the newest), one per token. */
export function revocationKey(r: TokenRevocation): string {
  return r.kind === 'user' ? `user:${r.userId}` : `token:${r.jti}`;
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const isIso = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));

/** Parses a revocation from its JSON bytes; null for anything else (never throws). */
export function decodeRevocation(value: Buffer | string | null | undefined): TokenRevocation | null {
  if (value === null || value === undefined) return null;
  let o: unknown;
  try {
    o = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.userId !== 'string' || !ID.test(r.userId) || !isIso(r.revokedAt)) return null;
  if (r.kind === 'user' && typeof r.minTokenVersion === 'number' && Number.isSafeInteger(r.minTokenVersion) && r.minTokenVersion >= 0) {
    return { kind: 'user', userId: r.userId, minTokenVersion: r.minTokenVersion, reason: typeof r.reason === 'string' ? r.reason.slice(0, 64) : 'unspecified', revokedAt: r.revokedAt };
  }
  if (r.kind === 'token' && typeof r.jti === 'string' && ID.test(r.jti) && isIso(r.expiresAt)) {
    return { kind: 'token', jti: r.jti, userId: r.userId, expiresAt: r.expiresAt, revokedAt: r.revokedAt };
  }
  return null;
}

export function encodeRevocation(r: TokenRevocation): Buffer {
  return Buffer.from(JSON.stringify(r), 'utf8');
}
