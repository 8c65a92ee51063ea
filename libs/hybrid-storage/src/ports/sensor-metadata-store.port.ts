import type { GeoPoint } from '../domain/readings.model';

/** The latest known description of a sensor, as carried by its readings. */
export interface SensorMetadata {
  sensorId: string;
  sensorType: string;
  unit?: string;
  location?: GeoPoint;
  metadata?: Record<string, unknown>;
  /** Timestamp of the reading that carried this description. */
  observedAt: Date;
}

/** Flexible-schema home of sensor descriptions (MongoDB). Optional for HybridStorageService. */
export interface SensorMetadataStore {
  upsertSensorMetadata(items: readonly SensorMetadata[]): Promise<void>;
  getSensorMetadata(sensorId: string): Promise<SensorMetadata | null>;
}

export const SENSOR_METADATA_STORE = Symbol('SENSOR_METADATA_STORE');
