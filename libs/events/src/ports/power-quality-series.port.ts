/** Half-open band [low, high] counted inclusively, as EN 50160 states its ranges. */
export interface Band {
  low: number;
  high: number;
}

/** Interval means of one sensor over a range, summarised close to the data. */
export interface IntervalSummary {
  /** Intervals with at least one reading. */
  measured: number;
  /** Per band given, the intervals whose mean lies inside it. */
  inBand: number[];
  min: number | null;
  max: number | null;
  /** The means themselves, oldest first (only when asked for). */
  means?: { start: Date; mean: number; readings: number }[];
}

/**
 * Means of a sensor's readings over fixed intervals aligned on 2000-01-01T00:00:00Z (PostgreSQL:
 * 10-minute means from the kept five-minute aggregates, shorter intervals from the readings).
 */
export interface PowerQualitySeries {
  sensorType(sensorId: string): Promise<string | null>;
  intervalMeans(q: { sensorId: string; intervalSeconds: number; from: Date; to: Date; bands: readonly Band[]; withMeans: boolean }): Promise<IntervalSummary>;
}

export const POWER_QUALITY_SERIES = Symbol('POWER_QUALITY_SERIES');
