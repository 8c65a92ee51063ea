import type { CqlMigration } from '../cql.migrations';

const TWCS_DAILY =
  "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 1}";
const TWCS_WEEKLY =
  "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 7}";

/** Tables whose default TTL follows SENSOR_DATA_RETENTION_DAYS. */
export const SENSOR_TABLES = ['sensor_readings_by_day', 'sensors_by_day'] as const;
/** Tables whose default TTL follows METER_READINGS_RETENTION_DAYS. */
export const METER_TABLES = ['meter_readings_by_month', 'meters_by_month'] as const;
/** Tables whose default TTL follows CASSANDRA_DEFAULT_TTL_SECONDS. */
export const EVENT_TABLES = ['events_by_day'] as const;
/** Every history table (see CassandraTimeseriesRetention). */
export const HISTORY_TABLES = [...SENSOR_TABLES, ...METER_TABLES, ...EVENT_TABLES] as const;

/**
 * Time-series schema (versions 100–199 belong to this feature).
 *
 * - History tables use bounded partitions: a sensor's readings per UTC day, a meter's per UTC
 *   month, events per source per UTC day; rows cluster newest first, which is how they are read.
 * - Time-window compaction groups each window's data in its own SSTables, so whole expired
 *   windows are dropped without rewriting (sensor: daily windows, meters: weekly).
 * - `sensors_by_day` / `meters_by_month` list the ids that have data in a bucket, so backfill
 *   and reconcile can enumerate Cassandra's content without a full scan.
 * - `replication_backlog` holds writes PostgreSQL missed (see CassandraBacklogStore); it never
 *   expires. `replication_quarantine` holds rows PostgreSQL refused (CassandraQuarantineStore). Entries are bucketed by minute so no partition grows without bound during a long
 *   outage; `replication_backlog_buckets` lists the buckets that may hold entries.
 */
export const timeseriesCqlMigrations: CqlMigration[] = [
  {
    version: 100,
    name: 'sensor history by day',
    statements: [
      `CREATE TABLE IF NOT EXISTS sensor_readings_by_day (
         sensor_id text,
         day date,
         ts timestamp,
         sensor_type text,
         value double,
         unit text,
         PRIMARY KEY ((sensor_id, day), ts)
       ) WITH CLUSTERING ORDER BY (ts DESC)
         AND compaction = ${TWCS_DAILY}`,
      `CREATE TABLE IF NOT EXISTS sensors_by_day (
         day date,
         sensor_id text,
         PRIMARY KEY ((day), sensor_id)
       ) WITH compaction = ${TWCS_DAILY}`,
    ],
  },
  {
    version: 101,
    name: 'meter history by month',
    statements: [
      `CREATE TABLE IF NOT EXISTS meter_readings_by_month (
         meter_id text,
         month int,
         ts timestamp,
         customer_id text,
         energy_kwh double,
         power_kw double,
         voltage double,
         PRIMARY KEY ((meter_id, month), ts)
       ) WITH CLUSTERING ORDER BY (ts DESC)
         AND compaction = ${TWCS_WEEKLY}`,
      `CREATE TABLE IF NOT EXISTS meters_by_month (
         month int,
         meter_id text,
         PRIMARY KEY ((month), meter_id)
       )`,
    ],
  },
  {
    version: 102,
    name: 'event history by day',
    statements: [
      `CREATE TABLE IF NOT EXISTS events_by_day (
         source_id text,
         day date,
         ts timestamp,
         event_id timeuuid,
         event_type text,
         severity text,
         payload text,
         PRIMARY KEY ((source_id, day), ts, event_id)
       ) WITH CLUSTERING ORDER BY (ts DESC, event_id ASC)
         AND compaction = ${TWCS_DAILY}`,
    ],
  },
  {
    version: 103,
    name: 'replication backlog',
    statements: [
      // Drained entries are deleted, and emptied buckets dropped whole; a short grace period
      // keeps those tombstones from piling up. Should a missed delete ever resurrect an entry,
      // it is replayed once more, which idempotent upserts make harmless.
      `CREATE TABLE IF NOT EXISTS replication_backlog (
         target text,
         bucket bigint,
         id timeuuid,
         kind text,
         payload text,
         row_count int,
         reason text,
         attempts int,
         last_error text,
         PRIMARY KEY ((target, bucket), id)
       ) WITH CLUSTERING ORDER BY (id ASC)
         AND default_time_to_live = 0
         AND gc_grace_seconds = 3600`,
      `CREATE TABLE IF NOT EXISTS replication_backlog_buckets (
         target text,
         bucket bigint,
         PRIMARY KEY ((target), bucket)
       ) WITH CLUSTERING ORDER BY (bucket ASC)
         AND default_time_to_live = 0
         AND gc_grace_seconds = 3600`,
    ],
  },
  {
    version: 104,
    name: 'replication quarantine and backlog retry times',
    statements: [
      // Per-entry backoff: a claim skips an entry until its retry time.
      'ALTER TABLE replication_backlog ADD retry_at timestamp',
      // Rows PostgreSQL refused, set aside until an operator retries or discards them. One
      // partition per target and UTC day keeps partitions bounded whatever the volume;
      // `replication_quarantine_days` lists the days that may hold entries.
      `CREATE TABLE IF NOT EXISTS replication_quarantine (
         target text,
         day date,
         id timeuuid,
         kind text,
         payload text,
         row_count int,
         reason text,
         attempts int,
         first_failed_at timestamp,
         retries int,
         last_error text,
         PRIMARY KEY ((target, day), id)
       ) WITH CLUSTERING ORDER BY (id ASC)
         AND default_time_to_live = 0`,
      `CREATE TABLE IF NOT EXISTS replication_quarantine_days (
         target text,
         day date,
         PRIMARY KEY ((target), day)
       ) WITH CLUSTERING ORDER BY (day ASC)
         AND default_time_to_live = 0`,
    ],
  },
  {
    version: 105,
    name: 'range deletions',
    statements: [
      // Every range deletion applied here (its readings are removed by range tombstones written
      // at the deletion's stamp, which shadow any older write by themselves). Kept so that
      // reconcile can tell a deleted row from a missing one, and so that a deletion outlives the
      // tombstones' gc_grace_seconds. One partition per series.
      `CREATE TABLE IF NOT EXISTS deleted_ranges (
         kind text,
         series_id text,
         deleted_at_us bigint,
         from_ts timestamp,
         to_ts timestamp,
         PRIMARY KEY ((kind, series_id), deleted_at_us, from_ts, to_ts)
       ) WITH default_time_to_live = 0`,
    ],
  },
];
