import type { PostgresGrants } from '../grants';

/** user-management's role on users and the login counters. */
export const usersGrants: PostgresGrants[] = [
  {
    tables: [
      { table: 'users', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
      { table: 'login_throttle', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
    ],
  },
];
