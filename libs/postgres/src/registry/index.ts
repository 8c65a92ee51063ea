export { PostgresRegistryModule } from './postgres-registry.module';
export { PostgresCustomersStore } from './postgres-customers.store';
export { PostgresMetersStore } from './postgres-meters.store';
export { PostgresSensorsStore } from './postgres-sensors.store';
export { PostgresDeviceMetadataIndex } from './postgres-device-metadata.index';
export { registryGrants } from './registry.grants';
