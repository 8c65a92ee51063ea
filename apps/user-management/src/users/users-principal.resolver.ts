import { Inject, Injectable } from '@nestjs/common';
import { AuthPrincipal, PrincipalResolver, VerifiedToken } from '@smartgrid/auth';
import { USERS_REPOSITORY, UsersRepository } from '@smartgrid/users';

/**
 * Re-reads the token's user on each request, so disabling, deleting or demoting a user, or a
 * token version raised by another instance, takes effect here at once, even before the
 * revocation has come back through Kafka.
 */
@Injectable()
export class UsersPrincipalResolver implements PrincipalResolver {
  constructor(@Inject(USERS_REPOSITORY) private readonly users: UsersRepository) {}

  async resolve(fromToken: AuthPrincipal, token: VerifiedToken): Promise<AuthPrincipal | null> {
    const user = await this.users.findById(fromToken.userId);
    if (!user || user.disabled || token.tokenVersion < user.tokenVersion) return null;
    return { userId: user.id, username: user.username, role: user.role };
  }
}
