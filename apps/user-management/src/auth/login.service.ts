import { Inject, Injectable } from '@nestjs/common';
import { TokenService } from '@smartgrid/auth';
import type { NewAuditEntry } from '@smartgrid/audit';
import type { RequestMeta } from '@smartgrid/http';
import {
  AccountDisabledError, AUDIT_ACTIONS, burnPasswordCheck, InvalidCredentialsError, LOGIN_THROTTLE_STORE, LoginThrottledError, LoginThrottlePolicy,
  LoginThrottleStore, refusedBeforeAttempt, ThrottledBy, throttleKeys, User, USERS_REPOSITORY, UsersRepository, verifyPassword,
} from '@smartgrid/users';
import { AuditMetrics } from '../audit/audit.metrics';
import { AuditService } from '../audit/audit.service';
import { loginThrottleConfig } from './login-throttle.config';
import { LoginDto, LoginResponse } from './login.dto';

/**
 * Login: checks the throttle (per username and client address, per client, per username; see
 * libs/users/src/login-throttle.rules.ts), verifies the password
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
    @Inject(loginThrottleConfig.KEY) private readonly policy: LoginThrottlePolicy,
  ) {}

  /** Throws LoginThrottledError, InvalidCredentialsError, AccountDisabledError. */
  async login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    const keys = throttleKeys(dto.username, meta.clientAddress);
    const p = this.policy;

    // Before the password is looked at: a locked client, or a guarded username from a client
    // that failed for it; then this (username, client)'s own wait, counted atomically.
    const refused = refusedBeforeAttempt(await this.throttle.states([keys.client, keys.user, keys.pair], p.windowSeconds), keys);
    if (refused) return this.throttled(dto.username, meta, refused.by, refused.retryAfterSeconds);
    const attempt = await this.throttle.tryAttempt(keys.pair, p.pair);
    if (!attempt.allowed) return this.throttled(dto.username, meta, 'username+client', attempt.retryAfterSeconds);

    const user = await this.users.findByUsername(dto.username);
    const passwordOk = user ? await verifyPassword(dto.password, user.passwordHash) : (await burnPasswordCheck(dto.password), false);
    if (!user || !passwordOk) {
      const [u, c] = await Promise.all([
        this.throttle.recordFailure(keys.user, { maxFailures: p.maxFailuresPerUser, windowSeconds: p.windowSeconds, lockSeconds: p.lockSeconds }),
        this.throttle.recordFailure(keys.client, { maxFailures: p.maxFailuresPerClient, windowSeconds: p.windowSeconds, lockSeconds: p.lockSeconds }),
      ]);
      await this.recordFailure(dto.username, user, meta, {
        reason: user ? 'wrong_password' : 'unknown_user',
        attempts: attempt.attempts,
        userFailures: u.failures,
        clientFailures: c.failures,
        clientLocked: c.locked,
        usernameGuarded: u.locked,
      });
      this.metrics.logins.inc({ outcome: 'invalid_credentials' });
      throw new InvalidCredentialsError();
    }
    if (user.disabled) {
      await this.recordFailure(dto.username, user, meta, { reason: 'account_disabled' });
      this.metrics.logins.inc({ outcome: 'disabled' });
      throw new AccountDisabledError();
    }

    // Only this (username, client)'s counter: the username's and the client's measure attacks.
    await this.throttle.clear(keys.pair);
    const role = user.role;
    const token = await this.tokens.issue({ userId: user.id, username: user.username, role }, { tokenVersion: user.tokenVersion });
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

  private async throttled(attempted: string, meta: RequestMeta, by: ThrottledBy, retryAfterSeconds: number): Promise<never> {
    await this.recordFailure(attempted, null, meta, { reason: 'throttled', throttledBy: by, retryAfterSeconds });
    this.metrics.logins.inc({ outcome: 'throttled' });
    throw new LoginThrottledError(retryAfterSeconds);
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
