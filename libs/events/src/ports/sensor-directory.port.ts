/** What the registry knows about a sensor that rules may select on. */
export interface SensorDescription {
  sensorId: string;
  sensorType: string | null;
  metadata: Record<string, unknown>;
}

/**
 * The sensors' registry as evaluation needs it (rules selecting by a metadata field). Before
 * the registry lib exists this is the sensors table (metadata merged from readings); once it
 * does, its metadata copy.
 */
export interface SensorDirectory {
  describe(sensorIds: readonly string[]): Promise<Map<string, SensorDescription>>;
}

export const SENSOR_DIRECTORY = Symbol('SENSOR_DIRECTORY');
