import { Schema } from 'mongoose';
import { keyedDocumentSchema } from '../keyed-document.schema';

export const SENSOR_METADATA_MODEL = 'SensorMetadata';
export const SENSOR_METADATA_COLLECTION = 'sensor_metadata';

/** GeoJSON point: coordinates are [lon, lat]. */
export interface GeoJsonPoint {
  type: 'Point';
  coordinates: [number, number];
}

/** The latest description of one sensor; `_id` is the sensor id, so there is one per sensor. */
export interface SensorMetadataDocument {
  _id: string;
  sensorType: string;
  unit: string | null;
  location: GeoJsonPoint | null;
  /** Free-form (firmware, vendor, installation notes…), as sent by the device. */
  metadata: Record<string, unknown>;
  /** Timestamp of the reading that carried this description. */
  observedAt: Date;
  firstSeenAt: Date;
  updatedAt: Date;
}

export const SensorMetadataSchema = keyedDocumentSchema<SensorMetadataDocument>(SENSOR_METADATA_COLLECTION, {
  sensorType: { type: String, required: true },
  unit: { type: String, default: null },
  location: { type: Schema.Types.Mixed, default: null },
  metadata: { type: Schema.Types.Mixed, default: {} },
  observedAt: { type: Date, required: true },
  firstSeenAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});

// Listing sensors of a type, most recently described first; and finding stale descriptions.
// (Geo queries run on PostGIS, sensors.location: FerretDB v1 has no 2dsphere index.)
SensorMetadataSchema.index({ sensorType: 1, updatedAt: -1 }, { name: 'sensor_metadata_type_updated' });
SensorMetadataSchema.index({ observedAt: -1 }, { name: 'sensor_metadata_observed' });
