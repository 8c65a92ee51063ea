import { decodeJsonObject } from '@smartgrid/kafka';
import type { PayloadRejectCode } from '@smartgrid/kafka';
import { MeterReading, SensorReading, validateMeterReading, validateSensorReading } from '@smartgrid/hybrid-storage';
import type { Validated, ValidationReason } from '@smartgrid/hybrid-storage';

/**
 * Turns the raw bytes of a Kafka message into a reading, or into the reason it is refused.
 * Pure and synchronous: the consumer calls it for every message of a batch and sends refused
 * ones to the dead-letter topic, so nothing here may throw, whatever the input.
 *
 * Field rules (types, lengths, finite numbers, timestamp window 2000-01-01 .. now + 1 day,
 * energy_kwh >= 0) are hybrid-storage's `validateSensorReading`/`validateMeterReading`, so
 * the API and the consumer refuse the same things. This layer adds what only a message has:
 * - size: payloads above `maxBytes` (default 64 KiB) are refused before parsing;
 * - encoding: not UTF-8, not JSON, or JSON that is not an object;
 * - unknown top-level fields do not refuse a message (tolerant reader: a firmware update that
 *   adds a field must not send every message to the dead-letter topic). Each one is kept in
 *   the reading's metadata under its own name, where it is subject to the metadata rules (a
 *   name that cannot be a metadata key, or a value that cannot be stored, refuses the message
 *   naming the top-level field). A key already in `metadata` wins: the unknown field of the
 *   same name is then not stored (`shadowed`). The decoder reports every unknown field it
 *   saw, so the consumer counts them per name (`smartgrid_ingest_unknown_fields_total`) and
 *   operators see the contract drift. Unknown fields inside `location` are still refused
 *   (`unknown_field`): there is no free-form place for them;
 * - a timestamp whose calendar fields are impossible (2026-02-30, 24:00) is refused rather
 *   than rolled over the way Date.parse does;
 * - the message key, when present, must equal the reading's id (`key_mismatch`): the key is
 *   what keeps one device's readings on one partition, in order. A missing key is accepted.
 */

export type RejectCode =
  | PayloadRejectCode
  | 'unknown_field'
  | 'key_mismatch'
  // every store refused a reading that passed validation (kept for safety; should not happen):
  | 'store_refused'
  // hybrid-storage's field rules, passed through:
  | ValidationReason;

export interface Rejection {
  code: RejectCode;
  /** The offending field (dotted wire name), when one can be named. */
  field?: string;
  detail: string;
}

/** A top-level field the contract does not name, and what became of it. */
export interface UnknownField {
  /** The field name (at most 64 characters, as shown in metrics). */
  name: string;
  /** `kept`: stored in the metadata under its own name; `shadowed`: a metadata key of that name won. */
  outcome: 'kept' | 'shadowed';
}

export type Decoded<T> = { ok: true; reading: T; unknownFields: UnknownField[] } | { ok: false; rejection: Rejection };

export interface DecoderOptions {
  maxBytes: number;
  /** The consumer's clock; injectable for tests. */
  now: () => number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export const DEFAULT_DECODER_OPTIONS: DecoderOptions = {
  maxBytes: DEFAULT_MAX_MESSAGE_BYTES,
  now: () => Date.now(),
};

const SENSOR_FIELDS: ReadonlySet<string> = new Set(['sensor_id', 'sensor_type', 'value', 'unit', 'timestamp', 'metadata', 'location']);
const METER_FIELDS: ReadonlySet<string> = new Set(['meter_id', 'customer_id', 'timestamp', 'energy_kwh', 'power_kw', 'voltage', 'metadata']);
const LOCATION_FIELDS: ReadonlySet<string> = new Set(['lat', 'lon']);

const ISO_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** The dead-letter reason header: `code: field: detail`. */
export function describeRejection(r: Rejection): string {
  return r.field ? `${r.code}: ${r.field}: ${r.detail}` : `${r.code}: ${r.detail}`;
}

type Parsed = { ok: true; object: Record<string, unknown> } | { ok: false; rejection: Rejection };

function parseObject(value: Buffer | null, opts: DecoderOptions): Parsed {
  const payload = decodeJsonObject(value, opts.maxBytes);
  return payload.ok ? payload : { ok: false, rejection: { code: payload.code, detail: payload.detail } };
}

function unknownField(obj: Record<string, unknown>, allowed: ReadonlySet<string>, prefix = ''): Rejection | null {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      const field = `${prefix}${k.slice(0, 64)}`;
      return { code: 'unknown_field', field, detail: 'is not part of the message contract (free-form data belongs in metadata)' };
    }
  }
  return null;
}

/**
 * Moves the top-level fields the contract does not name into `metadata` (a fresh object; the
 * message's own metadata keys win). A non-object `metadata` is left alone for validation to
 * refuse. Returns the object to validate and the unknown fields seen.
 */
function foldUnknownFields(o: Record<string, unknown>, allowed: ReadonlySet<string>): { object: Record<string, unknown>; unknown: UnknownField[] } {
  const names = Object.keys(o).filter((k) => !allowed.has(k));
  if (names.length === 0) return { object: o, unknown: [] };
  const own = o.metadata;
  const ownIsObject = typeof own === 'object' && own !== null && !Array.isArray(own);
  const folded: Record<string, unknown> = {};
  const known: Record<string, unknown> = {};
  const unknown: UnknownField[] = [];
  for (const k of Object.keys(o)) {
    if (allowed.has(k)) {
      known[k] = o[k];
      continue;
    }
    const shadowed = ownIsObject && Object.prototype.hasOwnProperty.call(own, k);
    unknown.push({ name: k.slice(0, 64), outcome: shadowed ? 'shadowed' : 'kept' });
    // defineProperty: a key such as "__proto__" becomes a plain own key (validation refuses it by name).
    if (!shadowed) Object.defineProperty(folded, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  }
  if (own !== undefined && own !== null && !ownIsObject) return { object: known, unknown };
  if (ownIsObject) for (const [k, v] of Object.entries(own as Record<string, unknown>)) Object.defineProperty(folded, k, { value: v, enumerable: true, writable: true, configurable: true });
  known.metadata = folded;
  return { object: known, unknown };
}

/** A metadata verdict about a folded field names the top-level field it came from. */
function fieldOfOrigin(field: string, unknown: readonly UnknownField[]): string {
  for (const u of unknown) {
    if (u.outcome !== 'kept') continue;
    const at = `metadata.${u.name}`;
    if (field === at || field.startsWith(`${at}.`) || field.startsWith(`${at}[`)) return field.slice('metadata.'.length);
  }
  return field;
}

/** Date.parse rolls 2026-02-30 over into March; a device that sends it has a broken clock. */
function impossibleCalendar(ts: unknown): Rejection | null {
  if (typeof ts !== 'string') return null;
  const m = ISO_PARTS.exec(ts);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || (s ?? 0) > 59) {
    return { code: 'bad_format', field: 'timestamp', detail: `"${ts.slice(0, 40)}" is not a valid calendar date-time` };
  }
  return null;
}

function checkKey(key: Buffer | null, id: string, field: string): Rejection | null {
  if (key === null || key.length === 0) return null;
  return key.toString('utf8') === id ? null : { code: 'key_mismatch', field, detail: `the message key must equal ${field}` };
}

function guarded<T>(fn: () => Decoded<T>): Decoded<T> {
  try {
    return fn();
  } catch (e) {
    // Only a bug can get here; it is still this message's verdict, not the consumer's death.
    return { ok: false, rejection: { code: 'bad_format', detail: `could not be decoded (${e instanceof Error ? e.message : String(e)})` } };
  }
}

export function decodeSensorMessage(key: Buffer | null, value: Buffer | null, opts: DecoderOptions = DEFAULT_DECODER_OPTIONS): Decoded<SensorReading> {
  return guarded(() => {
    const p = parseObject(value, opts);
    if (!p.ok) return p;
    const { object: o, unknown } = foldUnknownFields(p.object, SENSOR_FIELDS);
    const early =
      (typeof o.location === 'object' && o.location !== null && !Array.isArray(o.location)
        ? unknownField(o.location as Record<string, unknown>, LOCATION_FIELDS, 'location.')
        : null) ??
      impossibleCalendar(o.timestamp);
    if (early) return { ok: false, rejection: early };
    return checked(validateSensorReading(o, opts.now()), unknown, key, (r) => r.sensorId, 'sensor_id');
  });
}

export function decodeMeterMessage(key: Buffer | null, value: Buffer | null, opts: DecoderOptions = DEFAULT_DECODER_OPTIONS): Decoded<MeterReading> {
  return guarded(() => {
    const p = parseObject(value, opts);
    if (!p.ok) return p;
    const { object: o, unknown } = foldUnknownFields(p.object, METER_FIELDS);
    const early = impossibleCalendar(o.timestamp);
    if (early) return { ok: false, rejection: early };
    return checked(validateMeterReading(o, opts.now()), unknown, key, (r) => r.meterId, 'meter_id');
  });
}

/** Both decoders' last step: the shared validation's verdict (naming the field as sent), then the message key. */
function checked<T>(v: Validated<T>, unknown: UnknownField[], key: Buffer | null, idOf: (r: T) => string, idField: string): Decoded<T> {
  if (!v.ok) return { ok: false, rejection: { code: v.error.reason, field: fieldOfOrigin(v.error.field, unknown), detail: v.error.detail } };
  const keyProblem = checkKey(key, idOf(v.value), idField);
  if (keyProblem) return { ok: false, rejection: keyProblem };
  return { ok: true, reading: v.value, unknownFields: unknown };
}
