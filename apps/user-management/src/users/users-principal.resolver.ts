import { Inject, Injectable } from '@nestjs/common';
import { AuthPrincipal, PrincipalResolver } from '@smartgrid/auth';
import { USERS_REPOSITORY, UsersRepository } from '@smartgrid/users';

/**
 * Re-reads the token's user on each request, so disabling, deleting or demoting a user takes
 * effect at once rather than when their token expires.
 */
@Injectable()
export class UsersPrincipalResolver implements PrincipalResolver {
  constructor(@Inject(USERS_REPOSITORY) private readonly users: UsersRepository) {}

  async resolve(fromToken: AuthPrincipal): Promise<AuthPrincipal | null> {
    const user = await this.users.findById(fromToken.userId);
    if (!user || user.disabled) return null;
    return { userId: user.id, username: user.username, role: user.role };
  }
}
