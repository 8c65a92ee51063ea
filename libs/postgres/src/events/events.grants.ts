import type { PostgresGrants } from '../postgres.grants';

const readWrite = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * data-processing's role on the events feature: rules, alarms, the event ledger and its
 * delivery backlog, evaluation checkpoints. (It reads `sensors`, `sensor_data` and
 * `sensor_aggregates` through the timeseries and aggregates grants.)
 */
export const eventsGrants: PostgresGrants[] = [
  {
    tables: ['alarm_rules', 'alarms', 'grid_events', 'grid_event_deliveries', 'event_checkpoints'].map((table) => ({ table, privileges: readWrite })),
    sequences: ['grid_event_deliveries_id_seq'],
  },
];
