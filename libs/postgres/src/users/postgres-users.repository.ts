import { Injectable } from '@nestjs/common';
import type { Transaction } from '@smartgrid/audit';
import { NewUser, User, UserChanges, UsernameTakenError, UsersRepository } from '@smartgrid/users';
import { DataSource } from 'typeorm';
import { managerOf, sqlState } from '../postgres.transaction';
import { USERS_COLUMNS, UserRow, UsersMapper } from './users.mapper';

const UNIQUE_VIOLATION = '23505';
/** pg_advisory_xact_lock key that serialises first-admin seeding across instances. */
const FIRST_ADMIN_LOCK = 720_301_101;

/** The users table (UsersRepository). Needs `usersMigrations`. */
@Injectable()
export class PostgresUsersRepository implements UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(user: NewUser, tx?: Transaction): Promise<User> {
    try {
      const rows = (await managerOf(this.dataSource, tx).query(
        `INSERT INTO users (id, username, password_hash, role, disabled) VALUES ($1, $2, $3, $4, $5) RETURNING ${USERS_COLUMNS}`,
        UsersMapper.toPersistence(user),
      )) as UserRow[];
      return UsersMapper.toDomain(rows[0]);
    } catch (e) {
      // The only unique index besides the primary key (a fresh UUID) is on lower(username).
      if (sqlState(e) === UNIQUE_VIOLATION) throw new UsernameTakenError(user.username);
      throw e;
    }
  }

  async findById(id: string, options: { tx?: Transaction; forUpdate?: boolean } = {}): Promise<User | null> {
    const rows = (await managerOf(this.dataSource, options.tx).query(
      `SELECT ${USERS_COLUMNS} FROM users WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    )) as UserRow[];
    return rows[0] ? UsersMapper.toDomain(rows[0]) : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const rows = (await this.dataSource.query(`SELECT ${USERS_COLUMNS} FROM users WHERE lower(username) = lower($1)`, [username])) as UserRow[];
    return rows[0] ? UsersMapper.toDomain(rows[0]) : null;
  }

  async list(limit: number, afterUsername?: string): Promise<User[]> {
    const rows = (await (afterUsername === undefined
      ? this.dataSource.query(`SELECT ${USERS_COLUMNS} FROM users ORDER BY lower(username) LIMIT $1`, [limit])
      : this.dataSource.query(`SELECT ${USERS_COLUMNS} FROM users WHERE lower(username) > lower($2) ORDER BY lower(username) LIMIT $1`, [
          limit,
          afterUsername,
        ]))) as UserRow[];
    return rows.map(UsersMapper.toDomain);
  }

  async update(id: string, changes: UserChanges, tx?: Transaction): Promise<User | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => {
      params.push(v);
      sets.push(`${col} = $${params.length}`);
    };
    if (changes.role !== undefined) set('role', changes.role);
    if (changes.disabled !== undefined) set('disabled', changes.disabled);
    if (changes.passwordHash !== undefined) set('password_hash', changes.passwordHash);
    if (changes.tokenVersion !== undefined) set('token_version', changes.tokenVersion);
    sets.push('updated_at = now()');
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const rows = (await managerOf(this.dataSource, tx).query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING ${USERS_COLUMNS}`, params)) as [
      UserRow[],
      number,
    ];
    const updated = rows[0]?.[0];
    return updated ? UsersMapper.toDomain(updated) : null;
  }

  async delete(id: string, tx?: Transaction): Promise<boolean> {
    const res = (await managerOf(this.dataSource, tx).query('DELETE FROM users WHERE id = $1 RETURNING id', [id])) as [{ id: string }[], number];
    return (res[0]?.length ?? 0) > 0;
  }

  async count(tx?: Transaction): Promise<number> {
    const [r] = (await managerOf(this.dataSource, tx).query('SELECT count(*)::int AS n FROM users')) as { n: number }[];
    return r.n;
  }

  async lockActiveAdmins(tx: Transaction): Promise<string[]> {
    const rows = (await managerOf(this.dataSource, tx).query(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`)) as {
      id: string;
    }[];
    return rows.map((r) => r.id);
  }

  async lockFirstAdminSeeding(tx: Transaction): Promise<void> {
    await managerOf(this.dataSource, tx).query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
  }
}
