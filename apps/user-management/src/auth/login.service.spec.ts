import { JwtService } from '@nestjs/jwt';
import { Role, TokenService } from '@smartgrid/auth';
import { InMemoryLoginThrottleStore, InMemoryUserManagementDb } from '@smartgrid/testing';
import { AccountDisabledError, hashPassword, InvalidCredentialsError, LoginThrottledError } from '@smartgrid/users';
import { Registry } from 'prom-client';
import { AuditMetrics } from '../audit/audit.metrics';
import { AuditMirrorService } from '../audit/audit-mirror.service';
import { AuditService } from '../audit/audit.service';
import { LoginService } from './login.service';

// Unit spec on in-memory ports: throttling, disabled accounts and the audit of every attempt.
describe('LoginService', () => {
  const meta = { requestId: 'req-1', clientAddress: '127.0.0.1', userAgent: 'jest' };
  const policy = { maxFailuresPerUser: 3, maxFailuresPerClient: 100, windowSeconds: 900, lockSeconds: 60 };
  let db: InMemoryUserManagementDb;
  let clock: number;
  let login: LoginService;

  beforeEach(async () => {
    db = new InMemoryUserManagementDb();
    clock = Date.UTC(2026, 10, 26, 10);
    const metrics = new AuditMetrics(new Registry());
    const audit = new AuditService(db.auditLog, new AuditMirrorService(db.auditLog, metrics), metrics);
    const tokens = new TokenService(new JwtService({ secret: 'x'.repeat(32) }), 900);
    login = new LoginService(db.users, new InMemoryLoginThrottleStore(() => clock), tokens, audit, metrics, policy);
    const passwordHash = await hashPassword('Grid-Operator-2026', { log2N: 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    await db.users.insert({ id: '00000000-0000-4000-8000-000000000001', username: 'alice', passwordHash, role: Role.Operator, disabled: false });
    await db.users.insert({ id: '00000000-0000-4000-8000-000000000002', username: 'bob', passwordHash, role: Role.Viewer, disabled: true });
  });

  it('issues a token for the right password (username in any case) and audits the login', async () => {
    const res = await login.login({ username: 'ALICE', password: 'Grid-Operator-2026' }, meta);
    expect(res).toMatchObject({ tokenType: 'Bearer', user: { username: 'alice', role: Role.Operator } });
    expect(db.state.entries.map((e) => [e.action, e.actor])).toEqual([['auth.login', 'alice']]);
  });

  it('locks the username after too many failures, even for the right password, until the lock has run out', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(login.login({ username: 'alice', password: 'wrong-password-1' }, meta)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    const locked = await login.login({ username: 'alice', password: 'Grid-Operator-2026' }, meta).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(LoginThrottledError);
    expect((locked as LoginThrottledError).retryAfterSeconds).toBe(60);
    clock += 61_000;
    await expect(login.login({ username: 'alice', password: 'Grid-Operator-2026' }, meta)).resolves.toMatchObject({ user: { username: 'alice' } });
    expect(db.state.entries.map((e) => e.details.reason ?? e.action)).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'throttled', 'auth.login']);
  });

  it('answers an unknown user like a wrong password, and refuses a disabled account', async () => {
    await expect(login.login({ username: 'nobody', password: 'whatever-123' }, meta)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(login.login({ username: 'bob', password: 'Grid-Operator-2026' }, meta)).rejects.toBeInstanceOf(AccountDisabledError);
    expect(db.state.entries.map((e) => [e.resource, e.details.reason])).toEqual([
      ['username:nobody', 'unknown_user'],
      ['user:00000000-0000-4000-8000-000000000002', 'account_disabled'],
    ]);
  });
});
