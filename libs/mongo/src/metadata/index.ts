export { MongoMetadataModule } from './mongo-metadata.module';
export { MongoSensorMetadataStore } from './mongo-sensor-metadata.store';
export { EventHistoryRepository } from './event-history.repository';
export type { EventHistoryFilter, NewGridEvent } from './event-history.repository';
export { SENSOR_METADATA_COLLECTION, SENSOR_METADATA_MODEL, SensorMetadataSchema } from './sensor-metadata.schema';
export type { GeoJsonPoint, SensorMetadataDocument } from './sensor-metadata.schema';
export { EVENT_HISTORY_COLLECTION, EVENT_HISTORY_MODEL, EventHistorySchema } from './event-history.schema';
export type { EventHistoryDocument, EventSeverity } from './event-history.schema';
