import type { EntityManager } from 'typeorm';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * What an app's role may do with the objects of one feature, next to that feature's
 * migrations (e.g. `auditGrants` beside `auditMigrations`). Applied after the migrations by
 * the migration role when an app has its own role (POSTGRES_MIGRATION_USER set): the app can
 * use its tables, never alter, truncate or own them. A table missing here is a table the app
 * cannot use: the e2e tests run the apps under their roles and fail on it.
 */
export interface PostgresGrants {
  tables: { table: string; privileges: readonly TablePrivilege[] }[];
  /** Sequences behind serial columns the app inserts into (USAGE, SELECT). */
  sequences?: readonly string[];
  /** Functions the app calls, by signature, e.g. `ensure_sensor_data_partition(timestamptz)` (EXECUTE; revoked from PUBLIC). */
  functions?: readonly string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const SIGNATURE = /^[a-z_][a-z0-9_]{0,62}\([a-z0-9_, ]*\)$/;

function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: "${name}"`);
  return `"${name}"`;
}

/**
 * Makes `role`'s privileges on each listed object exactly the listed ones (REVOKE ALL, then
 * GRANT), in the caller's transaction. Objects not listed are left alone, so two apps that
 * (wrongly) share a role do not take each other's grants away. Never grants TRUNCATE,
 * REFERENCES or TRIGGER, and only the owner can ALTER, DROP or disable triggers.
 */
export async function applyGrants(m: EntityManager, role: string, grants: readonly PostgresGrants[]): Promise<void> {
  const r = ident(role);
  for (const g of grants) {
    for (const { table, privileges } of g.tables) {
      await m.query(`REVOKE ALL ON TABLE ${ident(table)} FROM ${r}`);
      if (privileges.length > 0) await m.query(`GRANT ${[...new Set(privileges)].join(', ')} ON TABLE ${ident(table)} TO ${r}`);
    }
    for (const seq of g.sequences ?? []) {
      await m.query(`REVOKE ALL ON SEQUENCE ${ident(seq)} FROM ${r}`);
      await m.query(`GRANT USAGE, SELECT ON SEQUENCE ${ident(seq)} TO ${r}`);
    }
    for (const fn of g.functions ?? []) {
      if (!SIGNATURE.test(fn)) throw new Error(`not a function signature: "${fn}"`);
      await m.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await m.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${r}`);
    }
  }
}
