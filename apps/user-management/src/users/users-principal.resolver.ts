import { Injectable } from '@nestjs/common';
import { AuthPrincipal, isRole, PrincipalResolver } from '@smartgrid/auth';
import { UsersPgRepository } from '@smartgrid/postgres';

/**
 * Re-reads the token's user on each request, so disabling, deleting or demoting a user takes
 * effect at once rather than when their token expires.
 */
@Injectable()
export class UsersPrincipalResolver implements PrincipalResolver {
  constructor(private readonly users: UsersPgRepository) {}

  async resolve(fromToken: AuthPrincipal): Promise<AuthPrincipal | null> {
    const user = await this.users.findById(fromToken.userId);
    if (!user || user.disabled || !isRole(user.role)) return null;
    return { userId: user.id, username: user.username, role: user.role };
  }
}
