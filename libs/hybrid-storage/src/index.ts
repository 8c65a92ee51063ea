export { HybridStorageModule } from './hybrid-storage.module';
export type { HybridStorageModuleOptions } from './hybrid-storage.module';
export { HybridStorageService } from './hybrid-storage.service';
export { HybridWriter } from './writes/hybrid-writer.service';
export type { QuarantinedRows, RefusedReading, WriteOptions, WriteResult } from './writes/hybrid-writer.service';
export { HybridReader, DEFAULT_READ_LIMIT, MAX_READ_LIMIT, STREAM_PAGE_ROWS } from './reads/hybrid-reader.service';
export type { PageOptions, ReadOptions, ReadPage, ReadResult } from './reads/hybrid-reader.service';
export { QuarantineService, QuarantineEntryNotFoundError } from './quarantine/quarantine.service';
export type {
  QuarantineItem,
  QuarantineItemWithRows,
  QuarantinePage,
  QuarantineRetryResult,
  QuarantineStatus,
  QuarantineTargetSummary,
} from './quarantine/quarantine.service';
export { writeAcceptedRows } from './quarantine/refused-rows.splitter';
export type { RefusedRow } from './quarantine/refused-rows.splitter';
export { DEFAULT_SETTINGS, HYBRID_STORAGE_SETTINGS, resolveSettings } from './hybrid-storage.settings';
export type { HybridStorageSettings, HybridStorageSettingsOverrides, ReplaySettings } from './hybrid-storage.settings';
export { errorsClassified, isRefusal, messageOf, NotReadyError, StorageReadError, StorageUnavailableError, StoreNotReadyError, StoreRefusedError, StoreTimeoutError, withTimeout } from './storage.errors';
export type { StoreOutcome } from './storage.errors';
export * from './ports';
export { READ_SOURCES, STORE_NAMES, WRITE_TARGETS, DAY_MS, dedupeByKey, utcDayStart, utcDaysBetween } from './domain/readings.model';
export type {
  GeoPoint,
  MeterReading,
  MeterReadingRecord,
  ReadSource,
  SensorReading,
  SensorReadingRecord,
  SeriesKind,
  Stamped,
  StoreName,
  WriteTarget,
} from './domain/readings.model';
export {
  checkMeterReading,
  checkSensorReading,
  EARLIEST_TIMESTAMP_MS,
  MAX_FUTURE_SKEW_MS,
  MAX_ID_LENGTH,
  MAX_METADATA_BYTES,
  parseTimestamp,
  ReadingValidationError,
  validateMeterReading,
  validateMetadata,
  validateSensorReading,
} from './validation/reading.validation';
export type { Validated, ValidationReason } from './validation/reading.validation';
export { decodeBacklogRows, encodeBacklogRows } from './backlog/backlog.codec';
export { StoreHealth } from './health/store.health';
export { DownTracker } from './health/down.tracker';
export { StoreConnection } from './health/store.connection';
export type { StoreDownState } from './health/store.health';
export { BacklogService } from './backlog/backlog.service';
export type { AppendedBacklog, BacklogStatus, BacklogTargetSummary } from './backlog/backlog.service';
export type { HeldRowsStatus } from './domain/held-rows.model';
export { BacklogReplayer } from './backlog/backlog-replayer.service';
export { DrainLoop } from './backlog/drain.loop';
export type { DrainLoopOptions } from './backlog/drain.loop';
export type { ReplayReport, ReplayTargetReport } from './backlog/backlog-replayer.service';
export { StorageSyncService } from './sync/storage-sync.service';
export type {
  BackfillOptions,
  BackfillReport,
  ReconcileOptions,
  ReconcileReport,
  ReconcileUnit,
  StoreDaySummary,
  SyncProgress,
} from './sync/storage-sync.service';
export { rowsChecksum } from './sync/rows.checksum';
export { deletionCovers, distinctDeletions, partitionByDeletions } from './domain/deletions.model';
export type { RangeDeletion } from './domain/deletions.model';
export { KEEP_FOREVER, remainingLifeSeconds, retentionHorizon, syncFloor, withinRetention } from './domain/retention.model';
export type { RetentionPolicy } from './domain/retention.model';
export type { DeletionResult } from './writes/hybrid-writer.service';
