import { DEFAULT_LIST_LIMIT, DeviceListQueryDto, RegistryListQueryDto } from './registry.dto';
import {
  MetaFilter,
  parseBbox,
  parseIsoDurationMs,
  parseNear,
  parseSort,
  parseStatusList,
  RegistryInputError,
  SortSpec,
} from '@smartgrid/registry';
import type { BoundingBox, GeoPoint, Near, RegistryStatus } from '@smartgrid/registry';
import type { Response } from 'express';

/** The listing query every registry collection shares, from its query parameters. */
export function baseListQuery<F extends string>(q: RegistryListQueryDto, sorts: readonly F[], fallback: SortSpec<F>) {
  const out: { status?: RegistryStatus[]; text?: string; sort: SortSpec<F>; limit: number } = {
    sort: parseSort(q.sort, sorts, fallback),
    limit: q.limit ?? DEFAULT_LIST_LIMIT,
  };
  if (q.status !== undefined) out.status = parseStatusList(q.status);
  if (q.q !== undefined) out.text = q.q;
  return out;
}

/** A device listing's query: map filters (nearest first when `near`), silence, metadata. */
export function deviceListQuery<F extends string>(q: DeviceListQueryDto, meta: MetaFilter[], sorts: readonly F[]) {
  const near: Near | undefined = q.near !== undefined ? parseNear(q.near, q.radius_m) : undefined;
  if (near === undefined && q.radius_m !== undefined) throw new RegistryInputError('radius_m', 'only goes with near=<lat>,<lon>');
  const fallback = { field: (near ? 'distance' : 'id') as F, descending: false };
  const out: ReturnType<typeof baseListQuery<F>> & {
    customerId?: string;
    near?: Near;
    bbox?: BoundingBox;
    silentForMs?: number;
    meta?: MetaFilter[];
  } = baseListQuery(q, sorts, fallback);
  if (out.sort.field === 'distance' && !near) throw new RegistryInputError('sort', 'distance needs near=<lat>,<lon>');
  if (near) out.near = near;
  if (q.bbox !== undefined) out.bbox = parseBbox(q.bbox);
  if (q.silent_for !== undefined) out.silentForMs = parseIsoDurationMs(q.silent_for, 'silent_for');
  if (q.customer_id !== undefined) out.customerId = q.customer_id;
  if (meta.length > 0) out.meta = meta;
  return out;
}

/** A GeoJSON FeatureCollection (RFC 7946): one Point feature per item, null geometry when it has no location. */
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    geometry: { type: 'Point'; coordinates: [number, number] } | null;
    properties: Record<string, unknown>;
  }[];
  /** Foreign member: the next page's cursor. */
  nextCursor: string | null;
}

/** A device listing's answer: the JSON page, or with format=geojson a FeatureCollection sent as application/geo+json. */
export function devicePage<T extends { id: string; location: GeoPoint | null }>(
  items: T[],
  nextCursor: string | null,
  format: string | undefined,
  res: Response,
): { items: T[]; nextCursor: string | null } | FeatureCollection {
  if (format !== 'geojson') return { items, nextCursor };
  res.type('application/geo+json');
  return featureCollection(items, nextCursor);
}

export function featureCollection<T extends { id: string; location: GeoPoint | null }>(items: readonly T[], nextCursor: string | null): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: items.map((item) => {
      const { location, ...properties } = item;
      return {
        type: 'Feature',
        id: item.id,
        geometry: location ? { type: 'Point', coordinates: [location.lon, location.lat] } : null,
        properties: JSON.parse(JSON.stringify(properties)) as Record<string, unknown>,
      };
    }),
    nextCursor,
  };
}
