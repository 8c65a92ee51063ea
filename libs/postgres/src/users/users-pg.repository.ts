import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserRow, UserRowChanges } from './user-row';

const COLUMNS = 'id, username, password_hash, role, disabled, created_at, updated_at';

interface RawUser {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
}

function toRow(r: RawUser): UserRow {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    role: r.role,
    disabled: r.disabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Thrown when a username is taken (compared case-insensitively). */
export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username "${username}" is already taken`);
    this.name = 'UsernameTakenError';
  }
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  return err?.code === UNIQUE_VIOLATION || err?.driverError?.code === UNIQUE_VIOLATION;
}

/** PostgreSQL users table. Methods take an optional manager to join the caller's transaction. */
@Injectable()
export class UsersPgRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(user: Omit<UserRow, 'createdAt' | 'updatedAt'>, manager?: EntityManager): Promise<UserRow> {
    try {
      const rows = (await this.m(manager).query(
        `INSERT INTO users (id, username, password_hash, role, disabled) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [user.id, user.username, user.passwordHash, user.role, user.disabled],
      )) as RawUser[];
      return toRow(rows[0]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new UsernameTakenError(user.username);
      throw e;
    }
  }

  async findById(id: string, manager?: EntityManager, lock = false): Promise<UserRow | null> {
    const rows = (await this.m(manager).query(`SELECT ${COLUMNS} FROM users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])) as RawUser[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  async findByUsername(username: string, manager?: EntityManager): Promise<UserRow | null> {
    const rows = (await this.m(manager).query(`SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1)`, [username])) as RawUser[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Ordered by username; keyset pagination on lower(username). */
  async list(limit: number, afterUsername?: string): Promise<UserRow[]> {
    const rows = (await (afterUsername === undefined
      ? this.dataSource.query(`SELECT ${COLUMNS} FROM users ORDER BY lower(username) LIMIT $1`, [limit])
      : this.dataSource.query(`SELECT ${COLUMNS} FROM users WHERE lower(username) > lower($2) ORDER BY lower(username) LIMIT $1`, [
          limit,
          afterUsername,
        ]))) as RawUser[];
    return rows.map(toRow);
  }

  async update(id: string, changes: UserRowChanges, manager?: EntityManager): Promise<UserRow | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => {
      params.push(v);
      sets.push(`${col} = $${params.length}`);
    };
    if (changes.role !== undefined) set('role', changes.role);
    if (changes.disabled !== undefined) set('disabled', changes.disabled);
    if (changes.passwordHash !== undefined) set('password_hash', changes.passwordHash);
    sets.push('updated_at = now()');
    const rows = (await this.m(manager).query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params)) as [
      RawUser[],
      number,
    ];
    const updated = rows[0]?.[0];
    return updated ? toRow(updated) : null;
  }

  async delete(id: string, manager?: EntityManager): Promise<boolean> {
    const res = (await this.m(manager).query('DELETE FROM users WHERE id = $1 RETURNING id', [id])) as [RawUser[], number];
    return (res[0]?.length ?? 0) > 0;
  }

  async count(manager?: EntityManager): Promise<number> {
    const [r] = (await this.m(manager).query('SELECT count(*)::int AS n FROM users')) as { n: number }[];
    return r.n;
  }

  /** Enabled admins, locked FOR UPDATE so two concurrent demotions cannot remove the last one. */
  async lockActiveAdmins(manager: EntityManager): Promise<string[]> {
    const rows = (await manager.query(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`)) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Takes a transaction-scoped advisory lock (e.g. for the one-time first-admin seeding). */
  async advisoryLock(manager: EntityManager, key: number): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [key]);
  }
}
