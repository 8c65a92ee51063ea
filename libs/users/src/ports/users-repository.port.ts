import type { Transaction } from '@smartgrid/audit';
import type { NewUser, User, UserChanges } from '../user.model';

/**
 * Where users are kept (PostgreSQL, next to the audit chain). Methods that take a `tx` join
 * the caller's transaction, so a change and its audit entries commit together.
 */
export interface UsersRepository {
  /** Throws UsernameTakenError when the name is taken (compared case-insensitively). */
  insert(user: NewUser, tx?: Transaction): Promise<User>;
  /** `forUpdate` locks the user until `tx` ends (needs `tx`). */
  findById(id: string, options?: { tx?: Transaction; forUpdate?: boolean }): Promise<User | null>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | null>;
  /** Ordered by username (case-insensitive); keyset pagination after `afterUsername`. */
  list(limit: number, afterUsername?: string): Promise<User[]>;
  /** The user after the change, or null when it does not exist. */
  update(id: string, changes: UserChanges, tx?: Transaction): Promise<User | null>;
  /** False when there was no such user. */
  delete(id: string, tx?: Transaction): Promise<boolean>;
  count(tx?: Transaction): Promise<number>;
  /** Ids of the enabled admins, locked until `tx` ends, so two demotions cannot remove the last one. */
  lockActiveAdmins(tx: Transaction): Promise<string[]>;
  /** Serialises first-admin seeding across instances until `tx` ends. */
  lockFirstAdminSeeding(tx: Transaction): Promise<void>;
}

/** DI token of the UsersRepository. */
export const USERS_REPOSITORY = Symbol('USERS_REPOSITORY');
