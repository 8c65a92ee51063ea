import { RegistryInputError } from '@smartgrid/registry';
import type { BoundingBox, KeysetPosition, MetaFilter, Near, RegistryStatus, SortSpec } from '@smartgrid/registry';
import { pointSql } from './registry.mapper';

/** Builds positional parameters ($1, $2, …) as values are added. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export type KeyType = 'text' | 'timestamptz' | 'float8';

/** A sortable field: a non-null SQL expression and how its keyset value is compared. */
export interface SortColumn {
  expr: string;
  type: KeyType;
}

/** One listing of one table: the select, its alias, sortable columns, text-searched columns. */
export interface ListingSpec {
  /** `SELECT … {extra} FROM … JOIN …` without WHERE; `{extra}` is where the distance and sort key columns go. */
  select: string;
  alias: string;
  sorts: Record<string, SortColumn>;
  textColumns: string[];
}

/** Sort fields every registry table has (id, name, status, created and updated), on table alias `a`. */
export function recordSorts(a: string): Record<string, SortColumn> {
  return {
    id: { expr: `${a}.id`, type: 'text' },
    name: { expr: `COALESCE(${a}.name, '')`, type: 'text' },
    status: { expr: `${a}.status`, type: 'text' },
    createdAt: { expr: `${a}.created_at`, type: 'timestamptz' },
    updatedAt: { expr: `${a}.updated_at`, type: 'timestamptz' },
  };
}

/** Sort fields of a device table (alias `a`) joined to its newest reading (`l`): installed and last seen, never-ones first. */
export function deviceSorts(a: string): Record<string, SortColumn> {
  return {
    ...recordSorts(a),
    installedAt: { expr: `COALESCE(${a}.installed_at, '-infinity')`, type: 'timestamptz' },
    lastSeenAt: { expr: "COALESCE(l.ts, '-infinity')", type: 'timestamptz' },
  };
}

export interface ListingFilters {
  status?: RegistryStatus[];
  text?: string;
  near?: Near;
  bbox?: BoundingBox;
  /** Newest reading column (e.g. `l.ts`) and milliseconds. */
  silentFor?: { lastSeen: string; ms: number };
  meta?: MetaFilter[];
  /** Extra conditions built by the caller with the same Params. */
  where?: string[];
  sort: SortSpec<string>;
  limit: number;
  after?: KeysetPosition;
}

const LIKE_SPECIALS = /[\\%_]/g;

/**
 * The SQL of a keyset-paginated listing: filters, `ORDER BY <sort>, id`, `LIMIT limit + 1`
 * (one more row tells whether another page follows) and the sort key of each row as
 * `sort_key` (text for dates, so the cursor keeps microseconds).
 */
export function listingSql(spec: ListingSpec, f: ListingFilters, params: Params): string {
  const a = spec.alias;
  const where: string[] = [...(f.where ?? [])];
  let distance = '';
  let sorts = spec.sorts;
  if (f.status && f.status.length > 0) where.push(`${a}.status = ANY (${params.add(f.status)}::text[])`);
  if (f.text !== undefined && f.text.length > 0) {
    const pattern = params.add(`%${f.text.replace(LIKE_SPECIALS, (c) => `\\${c}`)}%`);
    where.push(`(${spec.textColumns.map((c) => `${c} ILIKE ${pattern}`).join(' OR ')})`);
  }
  if (f.near) {
    const point = pointSql(params.add(f.near.lon), params.add(f.near.lat));
    where.push(`ST_DWithin(${a}.location, ${point}, ${params.add(f.near.radiusM)})`);
    distance = `ST_Distance(${a}.location, ${point})`;
    sorts = { ...sorts, distance: { expr: distance, type: 'float8' } };
  }
  if (f.bbox) where.push(bboxSql(`${a}.location::geometry`, f.bbox, params));
  if (f.silentFor) {
    const cut = `now() - ${params.add(f.silentFor.ms)}::float8 * interval '1 millisecond'`;
    where.push(`${a}.status <> 'decommissioned'`);
    where.push(`(${f.silentFor.lastSeen} < ${cut} OR (${f.silentFor.lastSeen} IS NULL AND ${a}.created_at < ${cut}))`);
  }
  for (const m of f.meta ?? []) where.push(metaSql(`${a}.metadata_search`, m, params));

  const sort = sorts[f.sort.field];
  if (!sort) throw new RegistryInputError('sort', f.sort.field === 'distance' ? 'distance needs near=<lat>,<lon>' : `cannot sort by ${f.sort.field}`);
  if (f.after) {
    const key = `${params.add(f.after.key)}::${sort.type}`;
    const id = params.add(f.after.id);
    where.push(
      f.sort.descending
        ? `(${sort.expr} < ${key} OR (${sort.expr} = ${key} AND ${a}.id > ${id}))`
        : `(${sort.expr} > ${key} OR (${sort.expr} = ${key} AND ${a}.id > ${id}))`,
    );
  }
  const keyColumn = sort.type === 'timestamptz' ? `(${sort.expr})::text` : sort.expr;
  const select = spec.select.replace('{extra}', `${distance ? `, ${distance} AS distance_m` : ''}, ${keyColumn} AS sort_key`);
  return `${select}
     ${where.length > 0 ? `WHERE ${where.join('\n       AND ')}` : ''}
     ORDER BY ${sort.expr} ${f.sort.descending ? 'DESC' : 'ASC'}, ${a}.id ASC
     LIMIT ${params.add(f.limit + 1)}`;
}

/** Rows of a listing query → the page's rows and the position after them, if more follow. */
export function pageOf<R extends { id: string; sort_key: string | number | null }>(rows: R[], limit: number): { rows: R[]; next: KeysetPosition | null } {
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1]!;
  return { rows: page, next: { key: last.sort_key, id: last.id } };
}

/** lon/lat rectangle (edges on meridians and parallels); one crossing the antimeridian is two. */
function bboxSql(geom: string, b: BoundingBox, params: Params): string {
  const env = (minLon: number, maxLon: number) =>
    `${geom} && ST_MakeEnvelope(${params.add(minLon)}, ${params.add(b.minLat)}, ${params.add(maxLon)}, ${params.add(b.maxLat)}, 4326)`;
  return b.minLon <= b.maxLon ? env(b.minLon, b.maxLon) : `(${env(b.minLon, 180)} OR ${env(-180, b.maxLon)})`;
}

/**
 * `meta.<path>=<value>`: the copy holds one of the values at the path, or an array there
 * containing it — jsonb containment, served by the GIN index (jsonb_path_ops).
 */
function metaSql(column: string, m: MetaFilter, params: Params): string {
  const nest = (leaf: unknown): unknown => m.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
  const docs = m.values.flatMap((v) => [nest(v), nest([v])]);
  return `(${docs.map((d) => `${column} @> ${params.add(JSON.stringify(d))}::jsonb`).join(' OR ')})`;
}
