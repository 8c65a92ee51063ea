import { Schema } from 'mongoose';
import { keyedDocumentSchema } from '../keyed-document.schema';

export const DEVICE_METADATA_MODEL = 'DeviceMetadata';
export const DEVICE_METADATA_COLLECTION = 'device_metadata';

/**
 * One device's flexible metadata; `_id` is `<kind>:<device id>` (`sensor:S-1001`), so there is
 * one document per sensor and per meter and every read and write goes by `_id` (the only
 * filter FerretDB 1.x answers without scanning the collection).
 */
export interface DeviceMetadataRecord {
  _id: string;
  kind: 'sensor' | 'meter';
  deviceId: string;
  metadata: Record<string, unknown>;
  rev: number;
  updatedAt: Date;
  updatedBy: string;
}

export const DeviceMetadataSchema = keyedDocumentSchema<DeviceMetadataRecord>(DEVICE_METADATA_COLLECTION, {
  kind: { type: String, required: true, enum: ['sensor', 'meter'] },
  deviceId: { type: String, required: true },
  metadata: { type: Schema.Types.Mixed, default: {} },
  rev: { type: Number, required: true },
  updatedAt: { type: Date, required: true },
  updatedBy: { type: String, required: true },
});
