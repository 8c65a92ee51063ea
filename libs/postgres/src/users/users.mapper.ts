import { isRole } from '@smartgrid/auth';
import type { NewUser, User } from '@smartgrid/users';

/** The users columns, in the order toDomain reads them. */
export const USERS_COLUMNS = 'id, username, password_hash, role, disabled, token_version, created_at, updated_at';

/** A users row as the pg driver returns it. */
export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  disabled: boolean;
  token_version: number;
  created_at: Date;
  updated_at: Date;
}

/** users row ⇄ User; used by PostgresUsersRepository only. */
export class UsersMapper {
  static toDomain(r: UserRow): User {
    // The table's CHECK constraint allows only the three roles; anything else is corruption.
    if (!isRole(r.role)) throw new Error(`user ${r.id} has an unknown role "${r.role}"`);
    return {
      id: r.id,
      username: r.username,
      passwordHash: r.password_hash,
      role: r.role,
      disabled: r.disabled,
      tokenVersion: r.token_version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** Bind parameters for (id, username, password_hash, role, disabled). */
  static toPersistence(u: NewUser): unknown[] {
    return [u.id, u.username, u.passwordHash, u.role, u.disabled];
  }
}
