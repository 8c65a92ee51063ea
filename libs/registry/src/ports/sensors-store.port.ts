import type { ListResult, SensorListQuery } from '../listing/list-query.model';
import type { Change, LatestSensorReading, NewSensor, Sensor, SensorChanges } from '../registry.model';

/**
 * Sensors (PostgreSQL). Fields an operator sets (sensorType, unit, location) are never
 * overwritten by ingest afterwards. A meter that does not exist is a RegistryInputError naming
 * `meterId`; other errors as in CustomersStore.
 */
export interface SensorsStore {
  register(sensor: NewSensor): Promise<Change<Sensor>>;
  get(id: string): Promise<Sensor | null>;
  modify(id: string, decide: (current: Sensor) => SensorChanges): Promise<Change<Sensor> | null>;
  /** Deletes a sensor without readings; RegistryHasHistoryError otherwise. */
  remove(id: string): Promise<Sensor | null>;
  list(query: SensorListQuery): Promise<ListResult<Sensor>>;
  /** The sensor and its newest reading (kept on write, not searched for); null: no such sensor. */
  latest(id: string): Promise<{ sensor: Sensor; latest: LatestSensorReading | null } | null>;
}

export const SENSORS_STORE = Symbol('SENSORS_STORE');
