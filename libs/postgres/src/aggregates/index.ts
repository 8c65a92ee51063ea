export { aggregatesMigrations } from './migrations';
export { aggregatesGrants } from './aggregates.grants';
export { PostgresAggregatesStore } from './postgres-aggregates.store';
