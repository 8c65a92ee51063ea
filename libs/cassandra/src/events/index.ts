export { eventsCqlMigrations } from './events.migrations';
export { CassandraEventHistoryStore } from './cassandra-event-history.store';
export { CassandraEventsModule } from './cassandra-events.module';
