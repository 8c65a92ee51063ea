export { Role, ROLES_IN_ORDER, hasRole, isRole, roleRank } from './role';
export type { AuthPrincipal, PrincipalResolver } from './principal';
export { PRINCIPAL_RESOLVER } from './principal';
export { Public, Roles, CurrentUser, IS_PUBLIC_KEY, MIN_ROLE_KEY } from './decorators';
export { TokenService, InvalidTokenError, TOKEN_ISSUER, TOKEN_AUDIENCE } from './token.service';
export type { IssuedToken } from './token.service';
export { JwtAuthGuard, DEFAULT_OPEN_PATHS, bearerTokenOf, isOpenPath } from './jwt-auth.guard';
export type { AuthModuleOptions } from './jwt-auth.guard';
export { AuthModule } from './auth.module';
