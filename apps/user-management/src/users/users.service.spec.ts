import { Role, TokenRevocation, TokenRevocationList } from '@smartgrid/auth';
import type { TokenRevocationsPublisher } from '@smartgrid/kafka';
import { verifyChain } from '@smartgrid/audit';
import { InMemoryUserManagementDb } from '@smartgrid/testing';
import { LastAdminError, NothingToChangeError, PasswordRejectedError, UsernameTakenError, UserNotFoundError } from '@smartgrid/users';
import { Registry } from 'prom-client';
import { AuditMetrics } from '../audit/audit.metrics';
import { AuditMirrorService } from '../audit/audit-mirror.service';
import { AuditService } from '../audit/audit.service';
import { TokenRevocationService } from '../auth/token-revocation.service';
import { Actor, UsersService } from './users.service';

// Unit spec on in-memory ports: the service's rules, without a database.
describe('UsersService', () => {
  let db: InMemoryUserManagementDb;
  let users: UsersService;
  let list: TokenRevocationList;
  let revocations: TokenRevocationService;
  const published: TokenRevocation[] = [];
  // Stands in for the Kafka publisher: records what would be sent.
  const publisher = { publish: async (rs: readonly TokenRevocation[]) => void published.push(...rs) } as unknown as TokenRevocationsPublisher;
  const admin: Actor = {
    principal: { userId: '00000000-0000-4000-8000-00000000000a', username: 'root.admin', role: Role.Admin },
    meta: { requestId: 'req-1', clientAddress: '127.0.0.1', userAgent: 'jest' },
  };
  const actions = () => db.state.entries.map((e) => e.action);

  beforeEach(() => {
    db = new InMemoryUserManagementDb();
    const metrics = new AuditMetrics(new Registry());
    const audit = new AuditService(db.auditLog, new AuditMirrorService(db.auditLog, metrics), metrics);
    list = new TokenRevocationList();
    published.length = 0;
    revocations = new TokenRevocationService(db.revocationOutbox, publisher, list);
    users = new UsersService(db.users, audit, revocations);
  });

  it('voids the tokens of a demoted user: version raised, revocation applied here and published, outbox emptied', async () => {
    await users.createFirstAdmin('root.admin', 'Bootstrap-Admin-2026!');
    const op = await users.create({ username: 'grid.operator', password: 'Grid-Operator-2026', role: Role.Operator }, admin);
    expect(list.isRevoked({ userId: op.id, tokenVersion: 0, jti: null })).toBe(false);
    await users.update(op.id, { role: Role.Viewer }, admin);
    expect((await db.users.findById(op.id))?.tokenVersion).toBe(1);
    expect(list.isRevoked({ userId: op.id, tokenVersion: 0, jti: null })).toBe(true);
    expect(list.isRevoked({ userId: op.id, tokenVersion: 1, jti: null })).toBe(false);
    await revocations.flush();
    expect(published).toEqual([expect.objectContaining({ kind: 'user', userId: op.id, minTokenVersion: 1, reason: 'role_changed' })]);
    expect(db.state.outbox).toEqual([]);
    // Enabling again, or no change at all, revokes nothing.
    await users.update(op.id, { disabled: true }, admin);
    await users.update(op.id, { disabled: false }, admin);
    await revocations.flush();
    expect(published.map((r) => (r.kind === 'user' ? `${r.reason}:${r.minTokenVersion}` : r.kind))).toEqual(['role_changed:1', 'disabled:2']);
  });

  it('revokes nothing when the change is refused (rolled back with it)', async () => {
    const first = await users.createFirstAdmin('root.admin', 'Bootstrap-Admin-2026!');
    await expect(users.update(first!.id, { role: Role.Viewer }, admin)).rejects.toBeInstanceOf(LastAdminError);
    expect(db.state.outbox).toEqual([]);
    expect(list.size.applied).toBe(0);
  });

  it('creates a user and its audit entry together, on a chain that verifies', async () => {
    const first = await users.createFirstAdmin('root.admin', 'Bootstrap-Admin-2026!');
    const view = await users.create({ username: 'grid.operator', password: 'Grid-Operator-2026', role: Role.Operator }, admin);
    expect(view).toMatchObject({ username: 'grid.operator', role: Role.Operator, disabled: false });
    expect(JSON.stringify(view)).not.toContain('scrypt');
    expect(actions()).toEqual(['user.created', 'user.created']);
    expect(db.state.entries[1]).toMatchObject({ actor: 'root.admin', resource: `user:${view.id}`, requestId: 'req-1', origin: 'api' });
    expect(db.state.entries[0]).toMatchObject({ actor: 'system', resource: `user:${first?.id}`, origin: 'system' });
    expect((await verifyChain(db.auditLog)).broken).toBeNull();
    // The copy is switched off (no mirror store): nothing is queued for it.
    expect(db.state.backlog.size).toBe(0);
  });

  it('seeds the first admin only on an empty store', async () => {
    expect(await users.createFirstAdmin('root.admin', 'Bootstrap-Admin-2026!')).not.toBeNull();
    expect(await users.createFirstAdmin('other.admin', 'Bootstrap-Admin-2026!')).toBeNull();
    expect(await users.isEmpty()).toBe(false);
  });

  it('refuses a taken username (any case) and records nothing', async () => {
    await users.create({ username: 'Alice', password: 'Grid-Operator-2026', role: Role.Viewer }, admin);
    await expect(users.create({ username: 'alice', password: 'Grid-Operator-2026', role: Role.Viewer }, admin)).rejects.toBeInstanceOf(UsernameTakenError);
    expect(actions()).toEqual(['user.created']);
  });

  it('refuses weak passwords naming the rules', async () => {
    const err = await users.create({ username: 'bob.b', password: 'short1!', role: Role.Viewer }, admin).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PasswordRejectedError);
    expect((err as PasswordRejectedError).problems.join('\n')).toMatch(/at least 12/);
  });

  it('keeps the last enabled admin, and a refused change leaves user and log untouched', async () => {
    const only = await users.createFirstAdmin('root.admin', 'Bootstrap-Admin-2026!');
    const id = only!.id;
    const before = db.state.entries.length;
    await expect(users.update(id, { role: Role.Viewer }, admin)).rejects.toBeInstanceOf(LastAdminError);
    await expect(users.update(id, { disabled: true }, admin)).rejects.toBeInstanceOf(LastAdminError);
    await expect(users.remove(id, admin)).rejects.toBeInstanceOf(LastAdminError);
    expect(await users.get(id)).toMatchObject({ role: Role.Admin, disabled: false });
    expect(db.state.entries.length).toBe(before);

    const second = await users.create({ username: 'second.admin', password: 'Second-Admin-2026', role: Role.Admin }, admin);
    await users.update(id, { role: Role.Operator }, admin);
    await expect(users.remove(second.id, admin)).rejects.toBeInstanceOf(LastAdminError);
    expect(actions().slice(-2)).toEqual(['user.created', 'user.role_changed']);
    expect(db.state.entries.at(-1)?.details).toMatchObject({ changes: { role: { from: 'admin', to: 'operator' } }, actorUserId: admin.principal.userId });
  });

  it('records one entry per changed field and none for a no-op', async () => {
    const u = await users.create({ username: 'carol.c', password: 'Grid-Operator-2026', role: Role.Viewer }, admin);
    await users.update(u.id, { role: Role.Operator, disabled: true, password: 'Another-Secret-77' }, admin);
    expect(actions().slice(-3)).toEqual(['user.role_changed', 'user.disabled', 'user.password_changed']);
    const n = db.state.entries.length;
    await users.update(u.id, { role: Role.Operator }, admin);
    expect(db.state.entries.length).toBe(n);
  });

  it('raises domain errors for unknown users and empty changes', async () => {
    const missing = '00000000-0000-4000-8000-0000000000ff';
    await expect(users.get(missing)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(users.update(missing, { role: Role.Admin }, admin)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(users.remove(missing, admin)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(users.update(missing, {}, admin)).rejects.toBeInstanceOf(NothingToChangeError);
  });
});
