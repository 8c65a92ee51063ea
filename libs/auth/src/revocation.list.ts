import type { TokenRevocation } from './token-revocation.model';

/** What the guard knows about a verified token. */
export interface TokenIdentity {
  userId: string;
  /** The account's token version when the token was issued (0 for tokens without one). */
  tokenVersion: number;
  jti: string | null;
}

/**
 * The revocations this instance knows, in memory: the lowest valid token version per user and
 * the revoked token ids until they expire. Filled by a feed (the `token-revocations` topic,
 * read from the beginning at start) and by the instance's own revocations at once. Until the
 * feed has read the topic to its end, `loaded` is false and the guard refuses (503) rather
 * than accept a token revoked before this instance started.
 */
export class TokenRevocationList {
  private readonly minVersion = new Map<string, number>();
  private readonly revokedTokens = new Map<string, number>();
  private loadedFlag = true;
  private applied = 0;

  /** A feed will fill the list: not loaded until it calls markLoaded(). */
  expectFeed(): void {
    this.loadedFlag = false;
  }

  markLoaded(): void {
    this.loadedFlag = true;
  }

  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** Revocations applied so far (tests and metrics). */
  get size(): { users: number; tokens: number; applied: number } {
    return { users: this.minVersion.size, tokens: this.revokedTokens.size, applied: this.applied };
  }

  apply(r: TokenRevocation, now = Date.now()): void {
    this.applied += 1;
    if (r.kind === 'user') {
      // Versions only grow; a redelivered or older record never lowers the bar.
      this.minVersion.set(r.userId, Math.max(this.minVersion.get(r.userId) ?? 0, r.minTokenVersion));
      return;
    }
    const expires = Date.parse(r.expiresAt);
    if (expires > now) this.revokedTokens.set(r.jti, expires);
    if (this.applied % 1000 === 0) this.prune(now);
  }

  isRevoked(t: TokenIdentity, now = Date.now()): boolean {
    if (t.tokenVersion < (this.minVersion.get(t.userId) ?? 0)) return true;
    if (t.jti === null) return false;
    const expires = this.revokedTokens.get(t.jti);
    return expires !== undefined && expires > now;
  }

  /** Drops token revocations whose tokens have expired anyway. */
  prune(now = Date.now()): void {
    for (const [jti, expires] of this.revokedTokens) if (expires <= now) this.revokedTokens.delete(jti);
  }
}
