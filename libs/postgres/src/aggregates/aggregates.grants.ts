import type { PostgresGrants } from '../postgres.grants';

/** data-processing's role on the trigger-maintained aggregates (the triggers run as the inserting role). */
export const aggregatesGrants: PostgresGrants[] = [
  {
    tables: ['sensor_aggregates', 'consumption_aggregates', 'consumption_meters'].map((table) => ({
      table,
      privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const,
    })),
  },
];
