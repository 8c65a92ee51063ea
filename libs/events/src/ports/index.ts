export { ALARM_STORE } from './alarm-store.port';
export type {
  AlarmQuery,
  AlarmStore,
  BatchTrigger,
  CheckpointUpdate,
  Detections,
  EpisodeEnd,
  EvaluationCheckpoint,
  EventOrigin,
  OperatorAction,
  SilentMeter,
  SourcesState,
} from './alarm-store.port';
export { DELIVERY_TARGETS, EVENT_LEDGER } from './event-ledger.port';
export type { DeliveryTarget, DeliveryTargetStatus, EventLedger, PendingDelivery } from './event-ledger.port';
export { EVENT_HISTORY_STORES, EVENT_STORE_NAMES, EventStoreNotReadyError, EventStoreRefusedError } from './event-history-store.port';
export type { AlarmSnapshotQuery, EventHistoryStore, EventQuery, EventStoreName } from './event-history-store.port';
export { ALARM_RULES_STORE } from './alarm-rules-store.port';
export type { AlarmRulesStore } from './alarm-rules-store.port';
export { SENSOR_DIRECTORY } from './sensor-directory.port';
export type { SensorDescription, SensorDirectory } from './sensor-directory.port';
export { GRID_EVENTS_SINK } from './grid-events-sink.port';
export type { GridEventsSink } from './grid-events-sink.port';
export { POWER_QUALITY_SERIES } from './power-quality-series.port';
export type { Band, IntervalSummary, PowerQualitySeries } from './power-quality-series.port';
