import { Role } from './role.enum';
import type { VerifiedToken } from './token.service';

/** The authenticated caller, as the guard leaves it on `request.user`. */
export interface AuthPrincipal {
  userId: string;
  username: string;
  role: Role;
}

/**
 * Optional hook an app binds under PRINCIPAL_RESOLVER to re-check a token's subject against
 * live data (user-management: the account still exists, is enabled, has this role, and the
 * token's version is still current). Returning null refuses the request with 401.
 */
export interface PrincipalResolver {
  resolve(fromToken: AuthPrincipal, token: VerifiedToken): Promise<AuthPrincipal | null>;
}

export const PRINCIPAL_RESOLVER = Symbol('PRINCIPAL_RESOLVER');
