import { Module } from '@nestjs/common';
import { CassandraEventHistoryStore } from './cassandra-event-history.store';

/** Cassandra's event history adapter. Needs CassandraModule with `timeseriesCqlMigrations` and `eventsCqlMigrations`. */
@Module({ providers: [CassandraEventHistoryStore], exports: [CassandraEventHistoryStore] })
export class CassandraEventsModule {}
