export { MongoMetadataModule } from './mongo-metadata.module';
export { MongoSensorMetadataStore } from './mongo-sensor-metadata.store';
export { SENSOR_METADATA_COLLECTION, SENSOR_METADATA_MODEL, SensorMetadataSchema } from './sensor-metadata.schema';
export type { GeoJsonPoint, SensorMetadataDocument } from './sensor-metadata.schema';
