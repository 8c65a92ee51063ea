export { aggregatesMigrations } from './migrations';
export { PostgresAggregatesStore } from './postgres-aggregates.store';
