import { Role } from '@smartgrid/auth';

/** An account. `passwordHash` is the stored scrypt string (see password.hashing.ts), never the password. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  /**
   * Raised whenever the user's existing tokens must stop working (disabled, role or password
   * changed, "log out everywhere"); each token carries the version it was issued at.
   */
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What creating a user stores; the store sets the timestamps and token version 0. */
export type NewUser = Omit<User, 'createdAt' | 'updatedAt' | 'tokenVersion'>;

/** Fields a change may set; absent ones stay as they are. */
export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  tokenVersion?: number;
}

/** True for an enabled admin: the accounts of which at least one must always remain. */
export function isActiveAdmin(user: Pick<User, 'role' | 'disabled'>): boolean {
  return user.role === Role.Admin && !user.disabled;
}
