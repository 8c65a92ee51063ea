import type { PostgresGrants } from '../postgres.grants';

/** user-management's role on users, the login counters and the revocation outbox (a queue it drains). */
export const usersGrants: PostgresGrants[] = [
  {
    tables: [
      { table: 'users', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
      { table: 'login_throttle', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
      { table: 'token_revocation_outbox', privileges: ['SELECT', 'INSERT', 'DELETE'] },
    ],
    sequences: ['token_revocation_outbox_id_seq'],
  },
];
