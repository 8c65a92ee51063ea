import type { GeoPoint, RegistryStatus } from '../registry.model';

/** Sortable fields of each listing (`sort=name`, `sort=-lastSeenAt`). */
export const CUSTOMER_SORTS = ['id', 'name', 'status', 'createdAt', 'updatedAt'] as const;
export const METER_SORTS = ['id', 'name', 'serial', 'status', 'createdAt', 'updatedAt', 'installedAt', 'lastSeenAt', 'distance'] as const;
export const SENSOR_SORTS = ['id', 'name', 'sensorType', 'status', 'createdAt', 'updatedAt', 'installedAt', 'lastSeenAt', 'distance'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export type MeterSort = (typeof METER_SORTS)[number];
export type SensorSort = (typeof SENSOR_SORTS)[number];

export interface SortSpec<F extends string> {
  field: F;
  descending: boolean;
}

/**
 * Where a page ends: the sort key of its last row and its id (the tie-breaker, always
 * ascending). Sort keys of nullable fields are compared with nulls as the smallest value.
 */
export interface KeysetPosition {
  /** The sort key as the store compares it: text, a number, or an ISO date-time (null: the row had none). */
  key: string | number | null;
  id: string;
}

export interface Near extends GeoPoint {
  radiusM: number;
}

/** [minLon, minLat, maxLon, maxLat] in degrees; minLon > maxLon crosses the antimeridian. */
export interface BoundingBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/**
 * One `meta.<path>=<value>` filter: the document has `value` at `path`, or an array there that
 * contains it. `values` are the JSON values the text may stand for (the string, and the
 * number, boolean or null it spells): any of them matches.
 */
export interface MetaFilter {
  path: string[];
  values: (string | number | boolean | null)[];
}

interface BaseListQuery<F extends string> {
  status?: RegistryStatus[];
  /** Case-insensitive substring of the id or the name (meters: also the serial). */
  text?: string;
  sort: SortSpec<F>;
  limit: number;
  after?: KeysetPosition;
}

export type CustomerListQuery = BaseListQuery<CustomerSort>;

interface DeviceListQuery<F extends string> extends BaseListQuery<F> {
  /** Meters: assigned to it now; sensors: on a meter assigned to it now. */
  customerId?: string;
  near?: Near;
  bbox?: BoundingBox;
  /** No reading for longer than this (ms) before now: newest reading older, or none since registration. Decommissioned devices are left out. */
  silentForMs?: number;
  /** All must hold (the metadata document's copy in the registry). */
  meta?: MetaFilter[];
}

export type MeterListQuery = DeviceListQuery<MeterSort>;

export interface SensorListQuery extends DeviceListQuery<SensorSort> {
  sensorType?: string;
  meterId?: string;
  site?: string;
}

export interface ListResult<T> {
  items: T[];
  /** Position after the last item when more follow; null on the last page. */
  next: KeysetPosition | null;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}
