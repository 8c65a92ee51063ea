import { Inject, Injectable } from '@nestjs/common';
import { AuthPrincipal, Role, TokenRevocation } from '@smartgrid/auth';
import type { AuditDetails, NewAuditEntry, Transaction } from '@smartgrid/audit';
import type { RequestMeta } from '@smartgrid/http';
import {
  AUDIT_ACTIONS, hashPassword, isActiveAdmin, LastAdminError, NothingToChangeError, PasswordRejectedError, passwordProblems, User, UserChanges,
  USERNAME_PATTERN, UserNotFoundError, USERS_REPOSITORY, UsersRepository,
} from '@smartgrid/users';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { TokenRevocationService, userRevocation } from '../auth/token-revocation.service';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserPage, UserView } from './user.dto';

/** Who is acting: a signed-in user over HTTP, or the service itself (first-admin seeding). */
export type Actor = { principal: AuthPrincipal; meta: RequestMeta } | { system: true };

const DEFAULT_PAGE = 50;

export function toView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

function audit(actor: Actor, action: string, user: Pick<User, 'id'>, details: AuditDetails): NewAuditEntry {
  if ('system' in actor) return { actor: 'system', origin: 'system', action, resource: `user:${user.id}`, details };
  return {
    actor: actor.principal.username,
    origin: 'api',
    action,
    resource: `user:${user.id}`,
    requestId: actor.meta.requestId,
    clientAddress: actor.meta.clientAddress,
    details: { ...details, actorUserId: actor.principal.userId },
  };
}

function assertPassword(password: string, username: string): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) throw new PasswordRejectedError(problems);
}

/**
 * Users and roles. Every change and its audit entries commit in one transaction, so the log
 * can neither miss a change nor record one that did not happen. Disabling a user, changing its
 * role or password, or deleting it also voids its tokens in both apps (token version raised,
 * revocation published; see TokenRevocationService), in the same transaction.
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(USERS_REPOSITORY) private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly revocations: TokenRevocationService,
  ) {}

  /** Throws PasswordRejectedError, UsernameTakenError. */
  async create(dto: CreateUserDto, actor: Actor): Promise<UserView> {
    assertPassword(dto.password, dto.username);
    const passwordHash = await hashPassword(dto.password);
    const created = await this.audit.transaction(async ({ tx, record }) => {
      const user = await this.users.insert(
        { id: randomUUID(), username: dto.username, passwordHash, role: dto.role, disabled: dto.disabled ?? false },
        tx,
      );
      await record(audit(actor, AUDIT_ACTIONS.userCreated, user, { username: user.username, role: user.role, disabled: user.disabled }));
      return user;
    });
    return toView(created);
  }

  async list(q: ListUsersQuery): Promise<UserPage> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const users = await this.users.list(limit + 1, q.cursor);
    const page = users.slice(0, limit);
    return { items: page.map(toView), nextCursor: users.length > limit ? page[page.length - 1].username : null };
  }

  /** Throws UserNotFoundError. */
  async get(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError(id);
    return toView(user);
  }

  /** Throws NothingToChangeError, UserNotFoundError, PasswordRejectedError, LastAdminError. */
  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    if (dto.role === undefined && dto.disabled === undefined && dto.password === undefined) throw new NothingToChangeError();
    const passwordHash = dto.password !== undefined ? await this.hashFor(id, dto.password) : undefined;
    const mayRemoveAdmin = (dto.role !== undefined && dto.role !== Role.Admin) || dto.disabled === true;
    const revoked: TokenRevocation[] = [];
    const updated = await this.audit.transaction(async ({ tx, record }) => {
      if (mayRemoveAdmin) await this.users.lockActiveAdmins(tx);
      const before = await this.users.findById(id, { tx, forUpdate: true });
      if (!before) throw new UserNotFoundError(id);
      const changes: UserChanges = {};
      const entries: NewAuditEntry[] = [];
      if (dto.role !== undefined && dto.role !== before.role) {
        changes.role = dto.role;
        entries.push(audit(actor, AUDIT_ACTIONS.userRoleChanged, before, { username: before.username, changes: { role: { from: before.role, to: dto.role } } }));
      }
      if (dto.disabled !== undefined && dto.disabled !== before.disabled) {
        changes.disabled = dto.disabled;
        entries.push(
          audit(actor, dto.disabled ? AUDIT_ACTIONS.userDisabled : AUDIT_ACTIONS.userEnabled, before, {
            username: before.username,
            changes: { disabled: { from: before.disabled, to: dto.disabled } },
          }),
        );
      }
      if (passwordHash !== undefined) {
        changes.passwordHash = passwordHash;
        entries.push(audit(actor, AUDIT_ACTIONS.userPasswordChanged, before, { username: before.username, changes: { password: { changed: true } } }));
      }
      if (entries.length === 0) return before;
      await this.keepAnAdmin(tx, before, { role: changes.role ?? before.role, disabled: changes.disabled ?? before.disabled });
      // A new role, a disabled account or a new password: the tokens issued so far stop working.
      const reasons = [changes.role !== undefined && 'role_changed', changes.disabled === true && 'disabled', changes.passwordHash !== undefined && 'password_changed'];
      const reason = reasons.filter((r): r is string => typeof r === 'string').join('+');
      if (reason) {
        const revocation = userRevocation(before, reason);
        changes.tokenVersion = revocation.minTokenVersion;
        await this.revocations.add(tx, [revocation]);
        revoked.push(revocation);
      }
      const after = await this.users.update(id, changes, tx);
      if (!after) throw new UserNotFoundError(id);
      await record(entries);
      return after;
    });
    this.revocations.committed(revoked);
    return toView(updated);
  }

  /** Throws UserNotFoundError, LastAdminError. */
  async remove(id: string, actor: Actor): Promise<void> {
    const revocation = await this.audit.transaction(async ({ tx, record }) => {
      await this.users.lockActiveAdmins(tx);
      const before = await this.users.findById(id, { tx, forUpdate: true });
      if (!before) throw new UserNotFoundError(id);
      await this.keepAnAdmin(tx, before, null);
      const r = userRevocation(before, 'deleted');
      await this.revocations.add(tx, [r]);
      await this.users.delete(id, tx);
      await record(audit(actor, AUDIT_ACTIONS.userDeleted, before, { username: before.username, role: before.role, disabled: before.disabled }));
      return r;
    });
    this.revocations.committed([revocation]);
  }

  /**
   * Logout: voids the caller's token, or every token of the caller (`allSessions`), in both
   * apps; audited as auth.logout.
   */
  async logout(principal: AuthPrincipal, token: { jti: string | null; expiresAt: Date }, allSessions: boolean, meta: RequestMeta): Promise<void> {
    const revocation = await this.audit.transaction(async ({ tx, record }) => {
      const user = await this.users.findById(principal.userId, { tx, forUpdate: true });
      if (!user) throw new UserNotFoundError(principal.userId);
      let r: TokenRevocation;
      if (allSessions || token.jti === null) {
        r = userRevocation(user, 'logout_all');
        await this.users.update(user.id, { tokenVersion: r.minTokenVersion }, tx);
      } else {
        r = { kind: 'token', jti: token.jti, userId: user.id, expiresAt: token.expiresAt.toISOString(), revokedAt: new Date().toISOString() };
      }
      await this.revocations.add(tx, [r]);
      await record(audit({ principal, meta }, AUDIT_ACTIONS.logout, user, { username: user.username, allSessions: r.kind === 'user', ...(r.kind === 'token' ? { jti: r.jti } : {}) }));
      return r;
    });
    this.revocations.committed([revocation]);
  }

  /**
   * Creates the first admin if, and only if, there are no users at all. Safe when several
   * instances start together (the seeding lock). Returns null when users already exist.
   */
  async createFirstAdmin(username: string, password: string): Promise<UserView | null> {
    if (!USERNAME_PATTERN.test(username)) {
      throw new Error('ADMIN_USERNAME must be 3-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw new Error(`ADMIN_PASSWORD is not acceptable: ${problems.join('; ')}`);
    const passwordHash = await hashPassword(password);
    const created = await this.audit.transaction(async ({ tx, record }) => {
      await this.users.lockFirstAdminSeeding(tx);
      if ((await this.users.count(tx)) > 0) return null;
      const user = await this.users.insert({ id: randomUUID(), username, passwordHash, role: Role.Admin, disabled: false }, tx);
      await record(audit({ system: true }, AUDIT_ACTIONS.userCreated, user, { username, role: Role.Admin, disabled: false, firstAdmin: true }));
      return user;
    });
    return created ? toView(created) : null;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  private async hashFor(id: string, password: string): Promise<string> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError(id);
    assertPassword(password, user.username);
    return hashPassword(password);
  }

  /**
   * Refuses a change that would leave no enabled admin (active admins are locked by the
   * caller). `after` is the user's state after the change, or null when it is deleted.
   */
  private async keepAnAdmin(tx: Transaction, before: User, after: Pick<User, 'role' | 'disabled'> | null): Promise<void> {
    if (!isActiveAdmin(before) || (after && isActiveAdmin(after))) return;
    const others = (await this.users.lockActiveAdmins(tx)).filter((a) => a !== before.id);
    if (others.length === 0) throw new LastAdminError();
  }
}
