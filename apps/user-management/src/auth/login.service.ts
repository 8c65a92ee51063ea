import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TokenService } from '@smartgrid/auth';
import type { NewAuditEntry } from '@smartgrid/audit';
import type { RequestMeta } from '@smartgrid/http';
import {
  AccountDisabledError, AUDIT_ACTIONS, burnPasswordCheck, InvalidCredentialsError, LOGIN_THROTTLE_STORE, LoginThrottledError, LoginThrottleStore,
  ThrottlePolicy, User, USERS_REPOSITORY, UsersRepository, verifyPassword,
} from '@smartgrid/users';
import { AuditMetrics } from '../audit/audit.metrics';
import { AuditService } from '../audit/audit.service';
import { loginThrottleConfig } from './login-throttle.config';
import { LoginDto, LoginResponse } from './login.dto';

/**
 * Login: checks the throttle for the username and the client address, verifies the password
 * (scrypt, with the same work for unknown usernames), refuses disabled accounts, issues the
 * access token, and audits every attempt.
 */
@Injectable()
export class LoginService {
  constructor(
    @Inject(USERS_REPOSITORY) private readonly users: UsersRepository,
    @Inject(LOGIN_THROTTLE_STORE) private readonly throttle: LoginThrottleStore,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly metrics: AuditMetrics,
    @Inject(loginThrottleConfig.KEY) private readonly policy: ConfigType<typeof loginThrottleConfig>,
  ) {}

  /** Throws LoginThrottledError, InvalidCredentialsError, AccountDisabledError. */
  async login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    const userKey = `user:${dto.username.toLowerCase()}`;
    const clientKey = `client:${meta.clientAddress ?? 'unknown'}`;

    const locks = await this.throttle.lockedFor([userKey, clientKey]);
    if (locks.size > 0) {
      const retryAfter = Math.max(...locks.values());
      await this.recordFailure(dto.username, null, meta, { reason: 'throttled', lockedKeys: [...locks.keys()].map((k) => k.split(':')[0]) });
      this.metrics.logins.inc({ outcome: 'throttled' });
      throw new LoginThrottledError(retryAfter);
    }

    const user = await this.users.findByUsername(dto.username);
    const passwordOk = user ? await verifyPassword(dto.password, user.passwordHash) : (await burnPasswordCheck(dto.password), false);
    if (!user || !passwordOk) {
      const [u, c] = await Promise.all([
        this.throttle.recordFailure(userKey, this.throttlePolicy(this.policy.maxFailuresPerUser)),
        this.throttle.recordFailure(clientKey, this.throttlePolicy(this.policy.maxFailuresPerClient)),
      ]);
      await this.recordFailure(dto.username, user, meta, { reason: user ? 'wrong_password' : 'unknown_user', userFailures: u.failures, clientFailures: c.failures, locked: u.locked || c.locked });
      this.metrics.logins.inc({ outcome: 'invalid_credentials' });
      throw new InvalidCredentialsError();
    }
    if (user.disabled) {
      await this.recordFailure(dto.username, user, meta, { reason: 'account_disabled' });
      this.metrics.logins.inc({ outcome: 'disabled' });
      throw new AccountDisabledError();
    }

    await this.throttle.clear(userKey);
    const role = user.role;
    const token = await this.tokens.issue({ userId: user.id, username: user.username, role });
    await this.audit.record({
      actor: user.username,
      action: AUDIT_ACTIONS.login,
      resource: `user:${user.id}`,
      origin: 'api',
      requestId: meta.requestId,
      clientAddress: meta.clientAddress,
      details: { role, expiresIn: token.expiresIn, userAgent: meta.userAgent },
    });
    this.metrics.logins.inc({ outcome: 'success' });
    return { ...token, user: { id: user.id, username: user.username, role } };
  }

  private throttlePolicy(maxFailures: number): ThrottlePolicy {
    return { maxFailures, windowSeconds: this.policy.windowSeconds, lockSeconds: this.policy.lockSeconds };
  }

  private async recordFailure(attempted: string, user: User | null, meta: RequestMeta, details: Record<string, unknown>): Promise<void> {
    const entry: NewAuditEntry = {
      actor: user?.username ?? attempted,
      action: AUDIT_ACTIONS.loginFailed,
      resource: user ? `user:${user.id}` : `username:${attempted.toLowerCase()}`,
      origin: 'api',
      requestId: meta.requestId,
      clientAddress: meta.clientAddress,
      details: { ...details, userAgent: meta.userAgent },
    };
    await this.audit.record(entry);
  }
}
