export { MongoRegistryModule } from './mongo-registry.module';
export { MongoDeviceMetadataStore } from './mongo-device-metadata.store';
export { DEVICE_METADATA_COLLECTION, DEVICE_METADATA_MODEL, DeviceMetadataSchema } from './device-metadata.schema';
export type { DeviceMetadataRecord } from './device-metadata.schema';
