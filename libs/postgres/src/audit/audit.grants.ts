import type { PostgresGrants } from '../postgres.grants';

/**
 * user-management's role on the audit tables: append and read entries, never change or remove
 * one (no UPDATE, DELETE or TRUNCATE; ALTER and DISABLE TRIGGER need the owner). The chain head
 * is read, and locked for an append through audit_chain_head_for_append(); the insert trigger
 * moves it as its owner. The mirror backlog is a queue the app drains. Signed checkpoints are
 * appended and read, like entries.
 */
export const auditGrants: PostgresGrants[] = [
  {
    tables: [
      { table: 'audit_log', privileges: ['SELECT', 'INSERT'] },
      { table: 'audit_chain_head', privileges: ['SELECT'] },
      { table: 'audit_mongo_backlog', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
      { table: 'audit_checkpoints', privileges: ['SELECT', 'INSERT'] },
    ],
    sequences: ['audit_checkpoints_id_seq'],
    functions: ['audit_chain_head_for_append()'],
  },
];
