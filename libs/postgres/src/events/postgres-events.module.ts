import { Module } from '@nestjs/common';
import { PostgresAlarmRulesStore } from './postgres-alarm-rules.store';
import { PostgresAlarmStore } from './postgres-alarm.store';
import { PostgresEventLedger } from './postgres-event-ledger.store';
import { PostgresPowerQualitySeries } from './postgres-power-quality.series';
import { PostgresSensorDirectory } from './postgres-sensor.directory';

const adapters = [PostgresAlarmRulesStore, PostgresAlarmStore, PostgresEventLedger, PostgresPowerQualitySeries, PostgresSensorDirectory];

/**
 * PostgreSQL adapters of the events ports. Needs PostgresModule (global DataSource) with
 * `eventsMigrations` applied (and `eventsGrants` for the app's role).
 */
@Module({ providers: adapters, exports: adapters })
export class PostgresEventsModule {}
