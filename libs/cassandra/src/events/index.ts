export { eventsCqlMigrations } from './migrations';
export { CassandraEventHistoryStore } from './cassandra-event-history.store';
export { CassandraEventsModule } from './cassandra-events.module';
