import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AuthPrincipal } from './principal.model';
import { isRole } from './role.enum';

export const TOKEN_ISSUER = 'smartgrid-user-management';
export const TOKEN_AUDIENCE = 'smartgrid';
const ALGORITHM = 'HS256';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

interface AccessClaims {
  sub?: unknown;
  username?: unknown;
  role?: unknown;
  /** The account's token version at issue (see TokenRevocation). */
  tv?: unknown;
  jti?: unknown;
  exp?: unknown;
}

/** A token that verified: who it speaks for, and what identifies it for revocation. */
export interface VerifiedToken {
  principal: AuthPrincipal;
  /** Token id (absent from tokens minted without one, e.g. by tests). */
  jti: string | null;
  tokenVersion: number;
  expiresAt: Date;
}

/**
 * Issues and verifies the short-lived HS256 access tokens shared by both apps. Built by
 * AuthModule's factory (the TTL comes from authConfig).
 */
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly ttlSeconds: number,
  ) {}

  /** `tokenVersion`: the account's current version; a revocation raises it above this token's. */
  async issue(principal: AuthPrincipal, options: { tokenVersion?: number } = {}): Promise<IssuedToken> {
    const accessToken = await this.jwt.signAsync(
      { username: principal.username, role: principal.role, tv: options.tokenVersion ?? 0 },
      {
        subject: principal.userId,
        jwtid: randomUUID(),
        expiresIn: this.ttlSeconds,
        algorithm: ALGORITHM,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      },
    );
    return { accessToken, tokenType: 'Bearer', expiresIn: this.ttlSeconds };
  }

  /** Throws InvalidTokenError for a bad signature, wrong issuer/audience, expiry or bad claims. */
  async verify(token: string): Promise<VerifiedToken> {
    let claims: AccessClaims;
    try {
      // Pinning the algorithm refuses "alg: none" and key-confusion tricks.
      claims = await this.jwt.verifyAsync<AccessClaims>(token, {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      throw new InvalidTokenError(name === 'TokenExpiredError' ? 'token expired' : 'invalid token');
    }
    const tv = claims.tv ?? 0;
    if (
      typeof claims.sub !== 'string' || typeof claims.username !== 'string' || !isRole(claims.role) ||
      typeof tv !== 'number' || !Number.isSafeInteger(tv) || tv < 0 || (claims.jti !== undefined && typeof claims.jti !== 'string') ||
      typeof claims.exp !== 'number'
    ) {
      throw new InvalidTokenError('invalid token claims');
    }
    return {
      principal: { userId: claims.sub, username: claims.username, role: claims.role },
      jti: typeof claims.jti === 'string' ? claims.jti : null,
      tokenVersion: tv,
      expiresAt: new Date(claims.exp * 1000),
    };
  }
}
