import { DynamicModule } from '@nestjs/common';
import { CassandraEventHistoryStore, CassandraEventsModule } from '@smartgrid/cassandra';
import { DELIVERY_OBSERVER, EVALUATION_OBSERVER, EventsModule, EventsSettings } from '@smartgrid/events';
import { KafkaGridEventsSink } from '@smartgrid/kafka';
import { MongoEventHistoryStore, MongoEventsModule } from '@smartgrid/mongo';
import {
  PostgresAlarmRulesStore,
  PostgresAlarmStore,
  PostgresEventLedger,
  PostgresEventsModule,
  PostgresPowerQualitySeries,
  PostgresSensorDirectory,
} from '@smartgrid/postgres';
import { EventsMetrics } from './events.metrics';

/**
 * The events lib bound to this app's adapters: rules, alarms, the ledger and power-quality
 * series in PostgreSQL, the history in Cassandra and MongoDB, grid-events on Kafka.
 */
export function gridEvents(settings?: Partial<EventsSettings>): DynamicModule {
  return EventsModule.forRootAsync({
    imports: [PostgresEventsModule, CassandraEventsModule, MongoEventsModule],
    rules: PostgresAlarmRulesStore,
    alarms: PostgresAlarmStore,
    ledger: PostgresEventLedger,
    history: [CassandraEventHistoryStore, MongoEventHistoryStore],
    sink: KafkaGridEventsSink,
    powerQuality: PostgresPowerQualitySeries,
    directory: PostgresSensorDirectory,
    providers: [
      KafkaGridEventsSink,
      EventsMetrics,
      { provide: DELIVERY_OBSERVER, useExisting: EventsMetrics },
      { provide: EVALUATION_OBSERVER, useExisting: EventsMetrics },
    ],
    ...(settings ? { settings } : {}),
  });
}
