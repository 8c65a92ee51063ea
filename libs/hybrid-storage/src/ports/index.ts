export { TIME_SERIES_STORES } from './time-series-store.port';
export type { SeriesQuery, TimeSeriesStore } from './time-series-store.port';
export { BACKLOG_STORES } from './backlog-store.port';
export type { BacklogEntry, BacklogKind, BacklogPayload, BacklogStore, BacklogTargetStatus, DeletionPayload, NewBacklogEntry, ReleaseOutcome, RowsPayload } from './backlog-store.port';
export { QUARANTINE_STORES } from './quarantine-store.port';
export type { NewQuarantineEntry, QuarantineEntry, QuarantineStore } from './quarantine-store.port';
export { SENSOR_METADATA_STORE } from './sensor-metadata-store.port';
export type { SensorMetadata, SensorMetadataStore } from './sensor-metadata-store.port';
export { AGGREGATES_STORE, SERIES_STEPS } from './aggregates-store.port';
export type {
  AggregatesStore,
  ConsumptionInterval,
  CustomerConsumption,
  MeterConsumption,
  MeterStep,
  SensorAggregate,
  SensorBucketInterval,
  SeriesStep,
} from './aggregates-store.port';
