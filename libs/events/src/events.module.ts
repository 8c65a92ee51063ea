import { DynamicModule, InjectionToken, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { AlarmsService } from './alarms/alarms.service';
import { EventsWatcherService } from './alarms/events-watcher.service';
import { EventEvaluationService } from './evaluation/event-evaluation.service';
import { EVENTS_SETTINGS, EventsSettings, readEventsSettings } from './events.settings';
import { EventDeliveryService } from './history/event-delivery.service';
import { EventQueryService } from './history/event-query.service';
import { ALARM_RULES_STORE } from './ports/alarm-rules-store.port';
import { ALARM_STORE } from './ports/alarm-store.port';
import { EVENT_HISTORY_STORES } from './ports/event-history-store.port';
import { EVENT_LEDGER } from './ports/event-ledger.port';
import { GRID_EVENTS_SINK } from './ports/grid-events-sink.port';
import { POWER_QUALITY_SERIES } from './ports/power-quality-series.port';
import { SENSOR_DIRECTORY } from './ports/sensor-directory.port';
import { PowerQualityService } from './power-quality/power-quality.service';
import { AlarmRulesService } from './rules/alarm-rules.service';

export interface EventsModuleOptions {
  /** Modules that provide the adapters named below. */
  imports?: ModuleMetadata['imports'];
  rules: InjectionToken;
  alarms: InjectionToken;
  ledger: InjectionToken;
  /** EventHistoryStore adapters (Cassandra, MongoDB). */
  history: InjectionToken[];
  sink: InjectionToken;
  powerQuality: InjectionToken;
  /** SensorDirectory adapter (rules selecting by metadata); without it such rules match nothing. */
  directory?: InjectionToken;
  /** Extra providers (e.g. observers bound to DELIVERY_OBSERVER / EVALUATION_OBSERVER). */
  providers?: Provider[];
  /** Fixed settings instead of EVENTS_* from the environment. */
  settings?: Partial<EventsSettings>;
}

const services = [AlarmRulesService, EventDeliveryService, EventEvaluationService, AlarmsService, EventQueryService, EventsWatcherService, PowerQualityService];

/**
 * Alarm rules, evaluation on ingest, the event history and the alarm lifecycle, bound to the
 * adapters the app chooses (this lib knows only the ports). Needs HybridStorageModule (rebuilds
 * read the stored readings, power quality falls back to them).
 */
@Module({})
export class EventsModule {
  static forRootAsync(options: EventsModuleOptions): DynamicModule {
    const ports: Provider[] = [
      { provide: ALARM_RULES_STORE, useExisting: options.rules },
      { provide: ALARM_STORE, useExisting: options.alarms },
      { provide: EVENT_LEDGER, useExisting: options.ledger },
      { provide: EVENT_HISTORY_STORES, useFactory: (...stores: unknown[]) => stores, inject: options.history },
      { provide: GRID_EVENTS_SINK, useExisting: options.sink },
      { provide: POWER_QUALITY_SERIES, useExisting: options.powerQuality },
      options.directory ? { provide: SENSOR_DIRECTORY, useExisting: options.directory } : { provide: SENSOR_DIRECTORY, useValue: null },
      { provide: EVENTS_SETTINGS, useFactory: () => ({ ...readEventsSettings(), ...options.settings }) },
    ];
    return {
      module: EventsModule,
      // Global like HybridStorageModule: ingest, the HTTP controllers and the watcher share one set of services.
      global: true,
      imports: options.imports ?? [],
      providers: [...ports, ...(options.providers ?? []), ...services],
      exports: [...services, EVENTS_SETTINGS, ALARM_STORE, EVENT_LEDGER, EVENT_HISTORY_STORES, ALARM_RULES_STORE],
    };
  }
}
