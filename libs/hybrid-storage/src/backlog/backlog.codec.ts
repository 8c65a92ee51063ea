import type { MeterReading, SensorReading, Stamped } from '../domain/readings.model';
import type { BacklogPayload } from '../ports/backlog-store.port';

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

export function encodeBacklogRows(payload: BacklogPayload): string {
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

export function decodeBacklogRows(kind: 'sensor' | 'meter', json: string | unknown[]): BacklogPayload {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!Array.isArray(parsed)) throw new Error('backlog payload is not an array');
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
