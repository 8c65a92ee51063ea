import { createParamDecorator, ExecutionContext, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { AuthPrincipal } from './principal.model';
import { Role } from './role.enum';
import type { VerifiedToken } from './token.service';

export const IS_PUBLIC_KEY = 'smartgrid:auth:public';
export const MIN_ROLE_KEY = 'smartgrid:auth:min-role';

/** The route needs no token (login, health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The least role a caller needs; higher roles pass too. A route without @Roles still needs a
 * valid token (any role).
 */
export const Roles = (minimum: Role): MethodDecorator & ClassDecorator => SetMetadata(MIN_ROLE_KEY, minimum);

/** `@CurrentUser() user: AuthPrincipal` on a guarded route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthPrincipal => {
  const user = ctx.switchToHttp().getRequest<{ user?: AuthPrincipal }>().user;
  if (!user) throw new UnauthorizedException('Authentication required');
  return user;
});

/** `@CurrentToken() token: VerifiedToken` on a guarded route (e.g. to revoke it on logout). */
export const CurrentToken = createParamDecorator((_: unknown, ctx: ExecutionContext): VerifiedToken => {
  const token = ctx.switchToHttp().getRequest<{ token?: VerifiedToken }>().token;
  if (!token) throw new UnauthorizedException('Authentication required');
  return token;
});
