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
  const policy = {
    pair: { freeAttempts: 3, baseDelaySeconds: 1, maxDelaySeconds: 900, windowSeconds: 900 },
    maxFailuresPerUser: 3,
    maxFailuresPerClient: 100,
    windowSeconds: 900,
    lockSeconds: 60,
  };
  const elsewhere = { ...meta, clientAddress: '127.0.0.9' };
  let db: InMemoryUserManagementDb;
  let clock: number;
  let login: LoginService;
  let build: (p: typeof policy) => LoginService;

  beforeEach(async () => {
    db = new InMemoryUserManagementDb();
    clock = Date.UTC(2026, 10, 26, 10);
    const metrics = new AuditMetrics(new Registry());
    const audit = new AuditService(db.auditLog, new AuditMirrorService(db.auditLog, metrics), metrics);
    const tokens = new TokenService(new JwtService({ secret: 'x'.repeat(32) }), 900);
    build = (p) => new LoginService(db.users, new InMemoryLoginThrottleStore(() => clock), tokens, audit, metrics, p);
    login = build(policy);
    const passwordHash = await hashPassword('Grid-Operator-2026', { log2N: 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    await db.users.insert({ id: '00000000-0000-4000-8000-000000000001', username: 'alice', passwordHash, role: Role.Operator, disabled: false });
    await db.users.insert({ id: '00000000-0000-4000-8000-000000000002', username: 'bob', passwordHash, role: Role.Viewer, disabled: true });
  });

  it('issues a token for the right password (username in any case) and audits the login', async () => {
    const res = await login.login({ username: 'ALICE', password: 'Grid-Operator-2026' }, meta);
    expect(res).toMatchObject({ tokenType: 'Bearer', user: { username: 'alice', role: Role.Operator } });
    expect(db.state.entries.map((e) => [e.action, e.actor])).toEqual([['auth.login', 'alice']]);
  });

  it('guards a username past its ceiling: the failing client waits, a clean client still signs in', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(login.login({ username: 'alice', password: 'wrong-password-1' }, meta)).rejects.toBeInstanceOf(InvalidCredentialsError);
    }
    const locked = await login.login({ username: 'alice', password: 'Grid-Operator-2026' }, meta).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(LoginThrottledError);
    expect((locked as LoginThrottledError).retryAfterSeconds).toBe(60);
    await expect(login.login({ username: 'alice', password: 'Grid-Operator-2026' }, elsewhere)).resolves.toMatchObject({ user: { username: 'alice' } });
    clock += 61_000;
    await expect(login.login({ username: 'alice', password: 'Grid-Operator-2026' }, meta)).resolves.toMatchObject({ user: { username: 'alice' } });
    expect(db.state.entries.map((e) => e.details.reason ?? e.action)).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'throttled', 'auth.login', 'auth.login']);
  });

  it('makes one client wait longer and longer for one username, without touching other clients', async () => {
    login = build({ ...policy, maxFailuresPerUser: 1000 });
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      const e = await login.login({ username: 'alice', password: 'wrong-password-1' }, { ...meta, clientAddress: '127.0.0.2' }).catch((x: unknown) => x);
      results.push(e instanceof LoginThrottledError ? `429:${e.retryAfterSeconds}` : e instanceof InvalidCredentialsError ? '401' : 'other');
      if (e instanceof LoginThrottledError) clock += e.retryAfterSeconds * 1000;
    }
    // Three free attempts, the fourth starts a 1 s wait, then 2 s: the attacker is slowed down.
    expect(results).toEqual(['401', '401', '401', '401', '429:1', '401']);
    await expect(login.login({ username: 'alice', password: 'Grid-Operator-2026' }, { ...meta, clientAddress: '127.0.0.2' })).rejects.toBeInstanceOf(LoginThrottledError);
    await expect(login.login({ username: 'alice', password: 'Grid-Operator-2026' }, elsewhere)).resolves.toMatchObject({ user: { username: 'alice' } });
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
