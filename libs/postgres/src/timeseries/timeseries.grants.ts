import type { PostgresGrants } from '../postgres.grants';

const readWrite = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * data-processing's role on the grid entities, the readings (through the partitioned parent:
 * partitions are reached by routing, which checks the parent only), the replication backlog and
 * the quarantine. Nothing of users or the audit log.
 */
export const timeseriesGrants: PostgresGrants[] = [
  {
    tables: ['customers', 'meters', 'sensors', 'sensor_data', 'meter_readings', 'replication_backlog', 'replication_quarantine'].map((table) => ({
      table,
      privileges: readWrite,
    })),
    sequences: ['replication_backlog_id_seq', 'replication_quarantine_id_seq'],
    functions: ['ensure_sensor_data_partition(timestamptz)'],
  },
];
