import type { CqlMigration } from '../cql.migrations';

/**
 * Event history schema beside `events_by_day` (created by the timeseries migrations, version
 * 102). Versions 300–399 belong to this feature.
 *
 * - `event_sources_by_day` lists the sources with events per UTC day, so events across sources
 *   can be read from Cassandra (when MongoDB cannot answer) without scanning the table.
 */
export const eventsCqlMigrations: CqlMigration[] = [
  {
    version: 300,
    name: 'event sources by day',
    statements: [
      `CREATE TABLE IF NOT EXISTS event_sources_by_day (
         day date,
         source_id text,
         PRIMARY KEY ((day), source_id)
       )`,
    ],
  },
];
