import { parse as parseIsoDuration } from 'tinyduration';
import { RegistryInputError } from '../registry.errors';
import { REGISTRY_STATUSES, RegistryStatus } from '../registry.model';
import type { BoundingBox, MetaFilter, Near, SortSpec } from './list-query.model';

// The listing's query-string forms, parsed into the listing query. Each refusal names the
// query parameter as the caller spelled it.

/** Largest `radius_m`: a map query, not a continent-wide scan. */
export const MAX_RADIUS_M = 100_000;
export const META_PREFIX = 'meta.';
export const MAX_META_FILTERS = 8;
const MAX_META_PATH_DEPTH = 16;
const MAX_META_VALUE_LENGTH = 256;

function coordinate(text: string, field: string, what: 'lat' | 'lon'): number {
  const v = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(v)) throw new RegistryInputError(field, `has a ${what === 'lat' ? 'latitude' : 'longitude'} that is not a number`);
  const limit = what === 'lat' ? 90 : 180;
  if (v < -limit || v > limit) throw new RegistryInputError(field, `${what === 'lat' ? 'latitude' : 'longitude'} must be within [-${limit}, ${limit}]`);
  return v;
}

/** `near=<lat>,<lon>` with `radius_m` (required with near, 0 < r ≤ 100 km). */
export function parseNear(near: string, radius: string | undefined): Near {
  const parts = near.split(',');
  if (parts.length !== 2) throw new RegistryInputError('near', 'must be <lat>,<lon>');
  const lat = coordinate(parts[0]!, 'near', 'lat');
  const lon = coordinate(parts[1]!, 'near', 'lon');
  if (radius === undefined) throw new RegistryInputError('radius_m', 'is required with near (metres)');
  const radiusM = /^\d+(\.\d+)?$/.test(radius) ? Number(radius) : Number.NaN;
  if (!Number.isFinite(radiusM) || radiusM <= 0 || radiusM > MAX_RADIUS_M) {
    throw new RegistryInputError('radius_m', `must be a number of metres in (0, ${MAX_RADIUS_M}]`);
  }
  return { lat, lon, radiusM };
}

/** `bbox=<minLon>,<minLat>,<maxLon>,<maxLat>`; minLon > maxLon crosses the antimeridian. */
export function parseBbox(text: string): BoundingBox {
  const parts = text.split(',');
  if (parts.length !== 4) throw new RegistryInputError('bbox', 'must be <minLon>,<minLat>,<maxLon>,<maxLat>');
  const [minLon, minLat, maxLon, maxLat] = [
    coordinate(parts[0]!, 'bbox', 'lon'),
    coordinate(parts[1]!, 'bbox', 'lat'),
    coordinate(parts[2]!, 'bbox', 'lon'),
    coordinate(parts[3]!, 'bbox', 'lat'),
  ];
  if (minLat > maxLat) throw new RegistryInputError('bbox', 'minLat must not be above maxLat');
  return { minLon, minLat, maxLon, maxLat };
}

/**
 * An ISO-8601 duration in weeks, days, hours, minutes and seconds (`PT15M`, `P1DT12H`, `PT0.5S`)
 * as milliseconds. Years and months are refused: their length depends on the calendar.
 */
export function parseIsoDurationMs(text: string, field: string): number {
  let d: ReturnType<typeof parseIsoDuration>;
  try {
    d = parseIsoDuration(text);
  } catch {
    throw new RegistryInputError(field, 'must be an ISO-8601 duration such as PT15M or P1D');
  }
  if (d.negative) throw new RegistryInputError(field, 'must not be negative');
  if (d.years || d.months) throw new RegistryInputError(field, 'must not use years or months (their length varies); use days or weeks');
  const seconds = (((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 24 + (d.hours ?? 0)) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0);
  const ms = Math.round(seconds * 1000);
  if (!(ms > 0)) throw new RegistryInputError(field, 'must be longer than zero');
  if (ms > 3650 * 86_400_000) throw new RegistryInputError(field, 'must be at most ten years');
  return ms;
}

/** `status=active,inactive`. */
export function parseStatusList(text: string): RegistryStatus[] {
  const out = [...new Set(text.split(',').map((s) => s.trim()))];
  for (const s of out) {
    if (!(REGISTRY_STATUSES as readonly string[]).includes(s)) throw new RegistryInputError('status', `must be a comma-separated list of ${REGISTRY_STATUSES.join(', ')}`);
  }
  return out as RegistryStatus[];
}

/** `sort=<field>` or `sort=-<field>` (descending). */
export function parseSort<F extends string>(text: string | undefined, allowed: readonly F[], fallback: SortSpec<F>): SortSpec<F> {
  if (text === undefined) return fallback;
  const descending = text.startsWith('-');
  const field = descending ? text.slice(1) : text;
  if (!(allowed as readonly string[]).includes(field)) throw new RegistryInputError('sort', `must be one of ${allowed.join(', ')} (prefix - for descending)`);
  return { field: field as F, descending };
}

/** The JSON values a query-string value may stand for: the text, and the number, boolean or null it spells. */
export function metaValueVariants(text: string): (string | number | boolean | null)[] {
  const out: (string | number | boolean | null)[] = [text];
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) out.push(Number(text));
  if (text === 'true') out.push(true);
  if (text === 'false') out.push(false);
  if (text === 'null') out.push(null);
  return out;
}

/**
 * Picks the `meta.<path>` parameters out of a query (`meta.firmware=2.1`,
 * `meta.vendor.name=acme`; a parameter given twice must match both values) and returns the
 * rest untouched. Path segments follow the metadata key rules (no `$` prefix, not empty).
 */
export function splitMetaFilters(query: Record<string, unknown>): { meta: MetaFilter[]; rest: Record<string, unknown> } {
  const meta: MetaFilter[] = [];
  const rest: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (!name.startsWith(META_PREFIX)) {
      rest[name] = raw;
      continue;
    }
    const path = name.slice(META_PREFIX.length).split('.');
    if (path.length > MAX_META_PATH_DEPTH || path.some((seg) => seg.length === 0 || seg.startsWith('$') || seg === '__proto__')) {
      throw new RegistryInputError(name, 'must name a metadata path: meta.<key>[.<key>…], keys not empty and not starting with $');
    }
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values) {
      if (typeof v !== 'string') throw new RegistryInputError(name, 'must be a single text value');
      if (v.length > MAX_META_VALUE_LENGTH) throw new RegistryInputError(name, `must be at most ${MAX_META_VALUE_LENGTH} characters`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(v)) throw new RegistryInputError(name, 'must not contain control characters');
      meta.push({ path, values: metaValueVariants(v) });
    }
  }
  if (meta.length > MAX_META_FILTERS) throw new RegistryInputError('meta', `at most ${MAX_META_FILTERS} meta.<path> filters`);
  return { meta, rest };
}
