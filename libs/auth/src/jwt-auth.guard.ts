import { CanActivate, ExecutionContext, ForbiddenException, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, MIN_ROLE_KEY } from './auth.decorators';
import { AuthPrincipal, PRINCIPAL_RESOLVER, PrincipalResolver } from './principal.model';
import { TokenRevocationList } from './revocation.list';
import { hasRole, Role } from './role.enum';
import { InvalidTokenError, TokenService, VerifiedToken } from './token.service';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthModuleOptions {
  /**
   * Path prefixes that stay open without @Public() (probes, metrics, API docs), matched on
   * whole segments: '/health' opens '/health/ready' but not '/healthz'.
   */
  openPaths?: string[];
}

export const DEFAULT_OPEN_PATHS = ['/health', '/metrics', '/docs', '/docs-json'];

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  path?: string;
  url?: string;
  user?: AuthPrincipal;
  token?: VerifiedToken;
}
interface GuardedResponse {
  setHeader?(name: string, value: string): unknown;
}

export function isOpenPath(path: string, openPaths: readonly string[]): boolean {
  return openPaths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

export function bearerTokenOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(value);
  return m ? m[1] : null;
}

/**
 * Global guard: every HTTP route needs a valid bearer token unless it is @Public() or under
 * an open path; a token revoked (TokenRevocationList) is refused like an invalid one; @Roles()
 * then sets the least role. Non-HTTP handlers (Kafka) are not guarded.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private resolver: PrincipalResolver | null | undefined;
  private readonly openPaths: readonly string[];

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly moduleRef: ModuleRef,
    options: AuthModuleOptions,
    private readonly revocations: TokenRevocationList = new TokenRevocationList(),
  ) {
    this.openPaths = options.openPaths ?? DEFAULT_OPEN_PATHS;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const path = req.path ?? (req.url ?? '/').split('?')[0];
    if (isOpenPath(path, this.openPaths)) return true;

    const res = context.switchToHttp().getResponse<GuardedResponse>();
    const token = bearerTokenOf(req.headers.authorization);
    if (!token) {
      res.setHeader?.('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('Missing bearer token');
    }
    let verified: VerifiedToken;
    try {
      verified = await this.tokens.verify(token);
    } catch (e) {
      if (!(e instanceof InvalidTokenError)) throw e;
      res.setHeader?.('WWW-Authenticate', `Bearer error="invalid_token", error_description="${e.message}"`);
      throw new UnauthorizedException(`Invalid bearer token: ${e.message}`);
    }
    // Fail closed while this instance has not read the revocations published before it started.
    if (!this.revocations.loaded) throw new ServiceUnavailableException('token revocations are still loading; try again shortly');
    if (this.revocations.isRevoked({ userId: verified.principal.userId, tokenVersion: verified.tokenVersion, jti: verified.jti })) {
      res.setHeader?.('WWW-Authenticate', 'Bearer error="invalid_token", error_description="token revoked"');
      throw new UnauthorizedException('Invalid bearer token: token revoked');
    }
    let principal: AuthPrincipal | null = verified.principal;
    const resolver = this.principalResolver();
    if (resolver) principal = await resolver.resolve(principal, verified);
    if (!principal) {
      res.setHeader?.('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedException('Account is disabled or no longer exists');
    }
    req.user = principal;
    req.token = verified;

    const required = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE_KEY, targets) ?? Role.Viewer;
    if (!hasRole(principal.role, required)) {
      throw new ForbiddenException(`Requires role ${required} or above`);
    }
    return true;
  }

  // Looked up lazily and across modules, so an app can bind a resolver without this lib
  // knowing its module.
  private principalResolver(): PrincipalResolver | null {
    if (this.resolver === undefined) {
      try {
        this.resolver = this.moduleRef.get<PrincipalResolver>(PRINCIPAL_RESOLVER, { strict: false });
      } catch {
        this.resolver = null;
      }
    }
    return this.resolver;
  }
}
