export { eventsMigrations } from './migrations';
export { eventsGrants } from './events.grants';
export { PostgresAlarmRulesStore } from './postgres-alarm-rules.store';
export { PostgresAlarmStore } from './postgres-alarm.store';
export { PostgresEventLedger } from './postgres-event-ledger.store';
export { PostgresPowerQualitySeries } from './postgres-power-quality.series';
export { PostgresSensorDirectory } from './postgres-sensor.directory';
export { PostgresEventsModule } from './postgres-events.module';
