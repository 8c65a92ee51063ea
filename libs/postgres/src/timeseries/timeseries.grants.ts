import type { PostgresGrants } from '../postgres.grants';

const readWrite = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * data-processing's role on the grid entities, the readings (through the partitioned parent:
 * partitions are reached by routing, which checks the parent only), the replication backlog and
 * the quarantine, the range deletions applied here (`deleted_ranges`). Partitions are created
 * and dropped only through the owner's SECURITY DEFINER functions (`ensure_*_partition`,
 * `drop_expired_partitions` for retention). Nothing of users or the audit log.
 */
export const timeseriesGrants: PostgresGrants[] = [
  {
    tables: [
      ...['customers', 'meters', 'sensors', 'sensor_data', 'meter_readings', 'replication_backlog', 'replication_quarantine'].map((table) => ({
        table,
        privileges: readWrite,
      })),
      // Recorded by a deletion, read by the upsert and reconcile, forgotten past retention: never changed.
      { table: 'deleted_ranges', privileges: ['SELECT', 'INSERT', 'DELETE'] as const },
    ],
    sequences: ['replication_backlog_id_seq', 'replication_quarantine_id_seq'],
    functions: ['ensure_sensor_data_partition(timestamptz)', 'ensure_meter_readings_partition(timestamptz)', 'drop_expired_partitions(text, timestamptz)'],
  },
];
