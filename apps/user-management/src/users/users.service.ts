import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuthPrincipal, isRole, Role } from '@smartgrid/auth';
import { InvalidInputException, RequestMeta } from '@smartgrid/http';
import { UserRow, UserRowChanges, UsernameTakenError, UsersPgRepository } from '@smartgrid/postgres';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AuditDetails, NewAuditEntry } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { hashPassword, passwordProblems, USERNAME_PATTERN } from './password';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserPage, UserView } from './user.dto';

/** Who is acting: a signed-in user over HTTP, or the service itself (first-admin seeding). */
export type Actor = { principal: AuthPrincipal; meta: RequestMeta } | { system: true };

const FIRST_ADMIN_LOCK = 720_301_101;
const DEFAULT_PAGE = 50;

export function toView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    role: (isRole(u.role) ? u.role : Role.Viewer),
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

function audit(actor: Actor, action: string, user: Pick<UserRow, 'id'>, details: AuditDetails): NewAuditEntry {
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

function assertPassword(password: string, username: string, field = 'password'): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) throw new InvalidInputException(problems.map((message) => ({ field, message })));
}

/**
 * Users and roles. Every change and its audit entries commit in one transaction, so the log
 * can neither miss a change nor record one that did not happen.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersPgRepository,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateUserDto, actor: Actor): Promise<UserView> {
    assertPassword(dto.password, dto.username);
    const passwordHash = await hashPassword(dto.password);
    try {
      const created = await this.audit.transaction(async (tx) => {
        const row = await this.users.insert(
          { id: randomUUID(), username: dto.username, passwordHash, role: dto.role, disabled: dto.disabled ?? false },
          tx.manager,
        );
        await tx.record(audit(actor, AUDIT_ACTIONS.userCreated, row, { username: row.username, role: row.role, disabled: row.disabled }));
        return row;
      });
      return toView(created);
    } catch (e) {
      if (e instanceof UsernameTakenError) throw new ConflictException(`username "${dto.username}" is already taken (usernames are compared case-insensitively)`);
      throw e;
    }
  }

  async list(q: ListUsersQuery): Promise<UserPage> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.users.list(limit + 1, q.cursor);
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextCursor: rows.length > limit ? page[page.length - 1].username : null };
  }

  async get(id: string): Promise<UserView> {
    const row = await this.users.findById(id);
    if (!row) throw new NotFoundException(`user ${id} not found`);
    return toView(row);
  }

  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    if (dto.role === undefined && dto.disabled === undefined && dto.password === undefined) {
      throw new InvalidInputException([{ field: 'body', message: 'nothing to change: give role, disabled and/or password' }]);
    }
    const passwordHash = dto.password !== undefined ? await this.hashFor(id, dto.password) : undefined;
    const mayRemoveAdmin = (dto.role !== undefined && dto.role !== Role.Admin) || dto.disabled === true;
    const updated = await this.audit.transaction(async (tx) => {
      if (mayRemoveAdmin) await this.users.lockActiveAdmins(tx.manager);
      const before = await this.users.findById(id, tx.manager, true);
      if (!before) throw new NotFoundException(`user ${id} not found`);
      const changes: UserRowChanges = {};
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
      await this.keepAnAdmin(tx.manager, before, changes.role ?? before.role, changes.disabled ?? before.disabled);
      const after = await this.users.update(id, changes, tx.manager);
      if (!after) throw new NotFoundException(`user ${id} not found`);
      await tx.record(entries);
      return after;
    });
    return toView(updated);
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await this.audit.transaction(async (tx) => {
      await this.users.lockActiveAdmins(tx.manager);
      const before = await this.users.findById(id, tx.manager, true);
      if (!before) throw new NotFoundException(`user ${id} not found`);
      await this.keepAnAdmin(tx.manager, before, null, true);
      await this.users.delete(id, tx.manager);
      await tx.record(audit(actor, AUDIT_ACTIONS.userDeleted, before, { username: before.username, role: before.role, disabled: before.disabled }));
    });
  }

  /**
   * Creates the first admin if, and only if, there are no users at all. Safe when several
   * instances start together (advisory lock). Returns null when users already exist.
   */
  async createFirstAdmin(username: string, password: string): Promise<UserView | null> {
    if (!USERNAME_PATTERN.test(username)) {
      throw new Error('ADMIN_USERNAME must be 3-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw new Error(`ADMIN_PASSWORD is not acceptable: ${problems.join('; ')}`);
    const passwordHash = await hashPassword(password);
    const created = await this.audit.transaction(async (tx) => {
      await this.users.advisoryLock(tx.manager, FIRST_ADMIN_LOCK);
      if ((await this.users.count(tx.manager)) > 0) return null;
      const row = await this.users.insert({ id: randomUUID(), username, passwordHash, role: Role.Admin, disabled: false }, tx.manager);
      await tx.record(audit({ system: true }, AUDIT_ACTIONS.userCreated, row, { username, role: Role.Admin, disabled: false, firstAdmin: true }));
      return row;
    });
    return created ? toView(created) : null;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  private async hashFor(id: string, password: string): Promise<string> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`user ${id} not found`);
    assertPassword(password, user.username);
    return hashPassword(password);
  }

  /** Refuses a change that would leave no enabled admin (active admins are locked by the caller). */
  private async keepAnAdmin(m: EntityManager, before: UserRow, role: string | null, disabled: boolean): Promise<void> {
    const wasActiveAdmin = before.role === Role.Admin && !before.disabled;
    const staysActiveAdmin = role === Role.Admin && !disabled;
    if (!wasActiveAdmin || staysActiveAdmin) return;
    const others = (await this.users.lockActiveAdmins(m)).filter((a) => a !== before.id);
    if (others.length === 0) throw new ConflictException('this is the last enabled admin: create or enable another admin first');
  }
}
