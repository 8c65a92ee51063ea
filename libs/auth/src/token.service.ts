import { JwtService } from '@nestjs/jwt';
import { AuthPrincipal } from './principal';
import { isRole } from './role';

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

  async issue(principal: AuthPrincipal): Promise<IssuedToken> {
    const accessToken = await this.jwt.signAsync(
      { username: principal.username, role: principal.role },
      { subject: principal.userId, expiresIn: this.ttlSeconds, algorithm: ALGORITHM, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
    );
    return { accessToken, tokenType: 'Bearer', expiresIn: this.ttlSeconds };
  }

  /** Throws InvalidTokenError for a bad signature, wrong issuer/audience, expiry or bad claims. */
  async verify(token: string): Promise<AuthPrincipal> {
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
    if (typeof claims.sub !== 'string' || typeof claims.username !== 'string' || !isRole(claims.role)) {
      throw new InvalidTokenError('invalid token claims');
    }
    return { userId: claims.sub, username: claims.username, role: claims.role };
  }
}
