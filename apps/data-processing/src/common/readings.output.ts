import { once } from 'events';
import type { Response } from 'express';
import { InvalidInputException } from '@smartgrid/http';
import type { PageOptions, ReadOptions, ReadPage, SeriesStep, StoreName } from '@smartgrid/hybrid-storage';
import type { ReadingsQuery } from './query.dto';
import { toHttpError } from './storage-errors.http';
import { DAY, resolveRange } from './time-range.query';

/** Readings may be asked for at most this far back in one request. */
export const MAX_READINGS_SPAN_MS = 31 * DAY;

/** Longest range one downsampled answer may cover, per step (~10,000 buckets at most). */
export const MAX_STEP_SPAN_MS: Record<SeriesStep, number> = { '1m': 7 * DAY, '5m': 93 * DAY, '15m': 93 * DAY, '1h': 366 * DAY, '1d': 3660 * DAY };

/** The readings routes' options that cannot go together, refused naming the field. */
export function checkReadingsOptions(q: { step?: string; format?: string; cursor?: string }): void {
  if (q.step && q.format && q.format !== 'json') throw new InvalidInputException([{ field: 'format', message: 'format must be json with step' }]);
  if (q.step && q.cursor) throw new InvalidInputException([{ field: 'cursor', message: 'cursor does not go with step (one answer covers the range)' }]);
  if (q.format && q.format !== 'json' && q.cursor) {
    throw new InvalidInputException([{ field: 'cursor', message: `cursor is for JSON pages; ${q.format} streams the whole range` }]);
  }
}

export interface StreamColumns<T> {
  csvHeader: string[];
  csv(row: T): (string | number | null | undefined)[];
  json(row: T): Record<string, unknown>;
  /**
   * The NDJSON line of a row, built by hand for speed (a day of 1 Hz data is 86,400 lines);
   * must equal `JSON.stringify(json(row))`. `text` memoises JSON-quoted strings (types,
   * units and sources repeat on every line).
   */
  ndjson(row: T, text: (s: string) => string): string;
}

/** Memoised JSON.stringify of strings, for one stream. */
function textCache(): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let q = cache.get(s);
    if (q === undefined) {
      q = JSON.stringify(s);
      if (cache.size < 1000) cache.set(s, q);
    }
    return q;
  };
}

const CSV_SPECIAL = /[",\r\n]/;

function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return CSV_SPECIAL.test(s) || s.startsWith(' ') || s.endsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams a whole range as NDJSON or CSV with back-pressure: a page is fetched only once the
 * previous one is written out (the socket drained), and a client that goes away stops the
 * walk (the generator is returned, no further query is made). The first page is read before
 * anything is sent, so a store that cannot answer still gets a proper error status; a failure
 * after that can only cut the stream short (the client sees a truncated body, never a
 * partial one presented as complete: no final newline-terminated end marker is faked).
 */
export async function streamReadings<T>(res: Response, format: 'ndjson' | 'csv', pages: AsyncGenerator<T[]>, columns: StreamColumns<T>, headers: Record<string, string> = {}): Promise<void> {
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const first = await pages.next();
  res.status(200);
  res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  const write = async (chunk: string): Promise<void> => {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  const text = textCache();
  const render = (rows: T[]): string => {
    let out = '';
    if (format === 'csv') for (const r of rows) out += `${columns.csv(r).map(csvField).join(',')}\r\n`;
    else for (const r of rows) out += `${columns.ndjson(r, text)}\n`;
    return out;
  };
  try {
    if (format === 'csv') await write(`${columns.csvHeader.join(',')}\r\n`);
    if (!first.done) await write(render(first.value));
    while (!closed) {
      const next = await pages.next();
      if (next.done) break;
      await write(render(next.value));
    }
  } catch (err) {
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    return;
  } finally {
    await pages.return(undefined);
  }
  if (!closed) res.end();
}

/** Where the readings route of one kind of device (sensor, meter) reads from and how it shows a reading. */
export interface ReadingsSource<T, V, B> {
  steps(id: string, step: SeriesStep, from: Date, to: Date): Promise<B[]>;
  stream(id: string, options: Omit<ReadOptions, 'limit'>): AsyncGenerator<T[]>;
  page(id: string, options: PageOptions): Promise<ReadPage<T>>;
  view(row: T): V;
  columns: StreamColumns<T>;
}

/** The JSON body of a readings route, after the device's id field (`sensorId`, `meterId`). */
export interface ReadingsBody<V, B> {
  from: Date;
  to: Date;
  source: StoreName;
  failed: { store: StoreName; error: string }[];
  count: number;
  readings?: V[];
  nextCursor?: string | null;
  step?: SeriesStep;
  buckets?: B[];
}

/**
 * Answers `GET /api/<devices>/:id/readings`: downsampled buckets (step), the whole range
 * streamed (ndjson, csv) or a JSON page. The body starts with the device's id under
 * `idField`, so sensors and meters keep their own field name on one code path.
 */
export async function answerReadings<T, V, B>(
  res: Response,
  idField: 'sensorId' | 'meterId',
  id: string,
  q: ReadingsQuery,
  from: ReadingsSource<T, V, B>,
): Promise<void> {
  checkReadingsOptions(q);
  try {
    if (q.step) {
      const range = resolveRange(q.from, q.to, DAY, MAX_STEP_SPAN_MS[q.step]);
      const buckets = await from.steps(id, q.step, range.from, range.to);
      const body: ReadingsBody<V, B> = { ...range, source: 'postgres', failed: [], count: buckets.length, step: q.step, buckets };
      res.json({ [idField]: id, ...body });
      return;
    }
    const range = resolveRange(q.from, q.to, DAY, MAX_READINGS_SPAN_MS);
    if (q.format === 'ndjson' || q.format === 'csv') {
      await streamReadings(res, q.format, from.stream(id, { ...range, source: q.source ?? 'auto' }), from.columns);
      return;
    }
    const r = await from.page(id, { ...range, source: q.source ?? 'auto', limit: q.limit ?? 1000, cursor: q.cursor ?? null });
    const body: ReadingsBody<V, B> = {
      from: range.from,
      to: range.to,
      source: r.source,
      failed: r.failed,
      count: r.records.length,
      readings: r.records.map((x) => from.view(x)),
      nextCursor: r.nextCursor,
    };
    res.json({ [idField]: id, ...body });
  } catch (err) {
    throw toHttpError(err);
  }
}
