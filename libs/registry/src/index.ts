// The grid registry: customers, meters (with dated customer assignments) and sensors, their
// flexible metadata, and the ports their stores implement (adapters: @smartgrid/postgres,
// @smartgrid/mongo).
export * from './registry.model';
export { RegistryConflictError, RegistryError, RegistryHasHistoryError, RegistryInputError, RegistryNotFoundError, RegistryStoreUnavailableError } from './registry.errors';
export { lifecycleChanges, UNREGISTERED } from './registry.lifecycle';
export type { LifecycleRequest } from './registry.lifecycle';
export * from './listing/list-query.model';
export { decodeCursor, encodeCursor } from './listing/listing.cursor';
export {
  MAX_META_FILTERS, MAX_RADIUS_M, META_PREFIX, metaValueVariants, parseBbox, parseIsoDurationMs, parseNear, parseSort, parseStatusList, splitMetaFilters,
} from './listing/query-params.parser';
export { applyMergePatch, checkMetadata, DEVICE_ACTOR, deviceKey, sameMetadata, viewOf } from './metadata/device-metadata.model';
export type { DeviceRef, Metadata, MetadataDocument, MetadataView } from './metadata/device-metadata.model';
export { DeviceMetadataService } from './metadata/device-metadata.service';
export type { InboxDrainReport } from './metadata/device-metadata.service';
export { CustomersService } from './customers.service';
export { MetersService } from './meters.service';
export { SensorsService } from './sensors.service';
export { RegistryModule } from './registry.module';
export type { RegistryModuleOptions } from './registry.module';
export * from './ports';
