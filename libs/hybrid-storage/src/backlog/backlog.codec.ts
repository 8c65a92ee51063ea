import type { RangeDeletion } from '../domain/deletions.model';
import type { MeterReading, SensorReading, SeriesKind, Stamped } from '../domain/readings.model';
import type { BacklogKind, BacklogPayload, RowsPayload } from '../ports/backlog-store.port';

/**
 * The serialised form of backlog rows, shared by every backlog adapter so an entry written by
 * one version is read by the next. Timestamps travel as epoch milliseconds.
 */
interface SensorRowJson {
  id: string;
  type: string;
  v: number;
  u?: string;
  ts: number;
  w: number;
  m?: Record<string, unknown>;
  l?: { lat: number; lon: number };
}

interface MeterRowJson {
  id: string;
  c: string;
  ts: number;
  e: number;
  p?: number;
  vo?: number;
  w: number;
  m?: Record<string, unknown>;
}

/** A range deletion (kind `deletion`, added later: entries of the older kinds read as before). */
interface DeletionJson {
  k: SeriesKind;
  id: string;
  f: number;
  t: number;
  w: number;
}

export function encodeBacklogRows(payload: BacklogPayload): string {
  if (payload.kind === 'deletion') {
    return JSON.stringify(payload.rows.map((d): DeletionJson => ({ k: d.kind, id: d.id, f: d.from.getTime(), t: d.to.getTime(), w: d.deletedAtUs })));
  }
  if (payload.kind === 'sensor') {
    return JSON.stringify(
      payload.rows.map((r): SensorRowJson => ({
        id: r.sensorId,
        type: r.sensorType,
        v: r.value,
        u: r.unit,
        ts: r.timestamp.getTime(),
        w: r.writtenAtUs,
        m: r.metadata,
        l: r.location,
      })),
    );
  }
  return JSON.stringify(
    payload.rows.map((r): MeterRowJson => ({
      id: r.meterId,
      c: r.customerId,
      ts: r.timestamp.getTime(),
      e: r.energyKwh,
      p: r.powerKw,
      vo: r.voltage,
      w: r.writtenAtUs,
      m: r.metadata,
    })),
  );
}

export function decodeBacklogRows(kind: RowsPayload['kind'], json: string | unknown[]): RowsPayload;
export function decodeBacklogRows(kind: BacklogKind, json: string | unknown[]): BacklogPayload;
export function decodeBacklogRows(kind: BacklogKind, json: string | unknown[]): BacklogPayload {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!Array.isArray(parsed)) throw new Error('backlog payload is not an array');
  if (kind === 'deletion') {
    const rows = (parsed as DeletionJson[]).map((o): RangeDeletion => ({ kind: o.k, id: o.id, from: new Date(o.f), to: new Date(o.t), deletedAtUs: o.w }));
    return { kind, rows };
  }
  if (kind === 'sensor') {
    const rows = (parsed as SensorRowJson[]).map((o): Stamped<SensorReading> => {
      const r: Stamped<SensorReading> = { sensorId: o.id, sensorType: o.type, value: o.v, timestamp: new Date(o.ts), writtenAtUs: o.w };
      if (o.u !== undefined && o.u !== null) r.unit = o.u;
      if (o.m !== undefined && o.m !== null) r.metadata = o.m;
      if (o.l !== undefined && o.l !== null) r.location = o.l;
      return r;
    });
    return { kind, rows };
  }
  const rows = (parsed as MeterRowJson[]).map((o): Stamped<MeterReading> => {
    const r: Stamped<MeterReading> = { meterId: o.id, customerId: o.c, timestamp: new Date(o.ts), energyKwh: o.e, writtenAtUs: o.w };
    if (o.p !== undefined && o.p !== null) r.powerKw = o.p;
    if (o.vo !== undefined && o.vo !== null) r.voltage = o.vo;
    if (o.m !== undefined && o.m !== null) r.metadata = o.m;
    return r;
  });
  return { kind, rows };
}
