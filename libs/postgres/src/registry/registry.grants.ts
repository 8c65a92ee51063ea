import type { PostgresGrants } from '../postgres.grants';

const readWrite = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * data-processing's role on the registry's own tables: dated meter assignments, the metadata
 * inbox, the newest reading per device and the customer-mismatch counts (the last three are
 * kept by triggers on the readings, which run as the inserting role, so it needs them too).
 */
export const registryGrants: PostgresGrants[] = [
  {
    tables: ['meter_assignments', 'device_metadata_inbox', 'sensor_latest', 'meter_latest', 'meter_customer_mismatches'].map((table) => ({
      table,
      privileges: readWrite,
    })),
    sequences: ['device_metadata_inbox_seq_seq'],
  },
];
