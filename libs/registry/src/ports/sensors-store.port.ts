import type { SensorListQuery } from '../listing/list-query.model';
import type { RecordStore } from './record-store.port';
import type { Change, LatestSensorReading, NewSensor, Sensor, SensorChanges } from '../registry.model';

/**
 * Sensors (PostgreSQL). Fields an operator sets (sensorType, unit, location) are never
 * overwritten by ingest afterwards. A meter that does not exist is a RegistryInputError naming
 * `meterId`; other errors as in every RecordStore.
 */
export interface SensorsStore extends RecordStore<Sensor, SensorChanges, SensorListQuery> {
  register(sensor: NewSensor): Promise<Change<Sensor>>;
  /** Deletes a sensor without readings; RegistryHasHistoryError otherwise. */
  remove(id: string): Promise<Sensor | null>;
  /** The sensor and its newest reading (kept on write, not searched for); null: no such sensor. */
  latest(id: string): Promise<{ sensor: Sensor; latest: LatestSensorReading | null } | null>;
}

export const SENSORS_STORE = Symbol('SENSORS_STORE');
