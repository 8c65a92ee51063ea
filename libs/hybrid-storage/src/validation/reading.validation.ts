import type { GeoPoint, MeterReading, SensorReading } from '../domain/readings.model';

/** Why a field was refused; stable strings, safe to put in a DLQ header or an HTTP body. */
export type ValidationReason =
  | 'required'
  | 'wrong_type'
  | 'empty'
  | 'too_long'
  | 'not_finite'
  | 'negative'
  | 'bad_format'
  | 'out_of_range'
  | 'unknown_value';

/**
 * A refused input. `field` is named as the caller spelled it: wire names (`sensor_id`) for
 * Kafka messages, API names (`sensorId`, `target`) for HybridStorageService calls. `index` is
 * the position in a batch.
 */
export class ReadingValidationError extends Error {
  constructor(
    readonly field: string,
    readonly reason: ValidationReason,
    readonly detail: string,
    readonly index?: number,
  ) {
    super(`${index === undefined ? '' : `[${index}] `}${field}: ${detail}`);
    this.name = 'ReadingValidationError';
  }

  atIndex(index: number): ReadingValidationError {
    return new ReadingValidationError(this.field, this.reason, this.detail, index);
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ReadingValidationError };

/**
 * Timestamps are plausible when on or after 2000-01-01T00:00:00Z and at most one day ahead of
 * the validating clock. Anything else is a device clock fault or a unit mistake (seconds or
 * microseconds sent as milliseconds) and is refused as `out_of_range`.
 */
export const EARLIEST_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_SKEW_MS = 86_400_000;

export const MAX_ID_LENGTH = 128;
export const MAX_TYPE_LENGTH = 64;
export const MAX_UNIT_LENGTH = 32;
export const MAX_METADATA_BYTES = 16_384;
/** Nesting levels of metadata objects and arrays (MongoDB documents allow 100; we keep far below). */
export const MAX_METADATA_DEPTH = 16;

/** ISO-8601 date-time with an explicit zone (`Z` or ±hh:mm); seconds and fraction optional. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/**
 * Text no store can hold as it is: NUL (PostgreSQL text and jsonb refuse it) and UTF-16
 * surrogates without their partner (PostgreSQL refuses the escape; Cassandra's and MongoDB's
 * UTF-8 encoders would silently replace it with U+FFFD, so the stores would disagree).
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(v: string): boolean {
  return !UNSTORABLE_TEXT.test(v);
}

type Naming = 'wire' | 'api';
type Fail = (field: string, reason: ValidationReason, detail: string) => never;

class Refusal {
  constructor(readonly error: ReadingValidationError) {}
}

const fail: Fail = (field, reason, detail) => {
  throw new Refusal(new ReadingValidationError(field, reason, detail));
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function text(v: unknown, field: string, max: number, required: true): string;
function text(v: unknown, field: string, max: number, required: false): string | undefined;
function text(v: unknown, field: string, max: number, required: boolean): string | undefined {
  if (v === undefined || v === null) return required ? fail(field, 'required', 'is required') : undefined;
  if (typeof v !== 'string') return fail(field, 'wrong_type', `must be a string, got ${typeName(v)}`);
  if (v.trim().length === 0) return fail(field, 'empty', 'must not be empty');
  if (v.length > max) return fail(field, 'too_long', `must be at most ${max} characters`);
  if (CONTROL_CHARS.test(v)) return fail(field, 'bad_format', 'must not contain control characters');
  if (!isStorableText(v)) return fail(field, 'bad_format', 'must not contain unpaired UTF-16 surrogates');
  return v;
}

function finite(v: unknown, field: string, required: true): number;
function finite(v: unknown, field: string, required: false): number | undefined;
function finite(v: unknown, field: string, required: boolean): number | undefined {
  if (v === undefined || v === null) return required ? fail(field, 'required', 'is required') : undefined;
  if (typeof v !== 'number') return fail(field, 'wrong_type', `must be a number, got ${typeName(v)}`);
  if (!Number.isFinite(v)) return fail(field, 'not_finite', 'must be a finite number');
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Accepts an ISO-8601 string with zone, epoch milliseconds (number), or a Date. Sub-millisecond
 * digits are dropped: both stores keep milliseconds.
 */
export function parseTimestamp(v: unknown, field: string, nowMs: number): Validated<Date> {
  try {
    return { ok: true, value: timestamp(v, field, nowMs) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.error };
    throw e;
  }
}

function timestamp(v: unknown, field: string, nowMs: number): Date {
  let ms: number;
  if (v === undefined || v === null) return fail(field, 'required', 'is required');
  if (v instanceof Date) {
    ms = v.getTime();
    if (Number.isNaN(ms)) fail(field, 'bad_format', 'is an invalid Date');
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(field, 'not_finite', 'epoch milliseconds must be finite');
    ms = Math.trunc(v);
  } else if (typeof v === 'string') {
    if (!ISO_WITH_ZONE.test(v)) fail(field, 'bad_format', 'must be ISO-8601 with a zone (e.g. 2026-11-26T10:00:00Z) or epoch milliseconds');
    ms = Date.parse(v);
    if (Number.isNaN(ms)) fail(field, 'bad_format', `"${v}" is not a valid date-time`);
  } else {
    return fail(field, 'wrong_type', `must be an ISO-8601 string or epoch milliseconds, got ${typeName(v)}`);
  }
  if (ms < EARLIEST_TIMESTAMP_MS) fail(field, 'out_of_range', 'is before 2000-01-01T00:00:00Z');
  if (ms > nowMs + MAX_FUTURE_SKEW_MS) fail(field, 'out_of_range', 'is more than one day in the future');
  return new Date(ms);
}

/**
 * Every key and string of metadata, at any depth, must be storable text; keys must also be
 * usable as MongoDB field names and in `meta.<path>` filters: not empty, no leading `$`, no
 * `.`. Nesting is bounded, and no array sits directly in an array. Fails naming the path
 * (`metadata.a.b[2]`).
 */
function checkMetadataTree(v: unknown, path: string, depth: number): void {
  if (typeof v === 'string') {
    if (!isStorableText(v)) fail(path, 'bad_format', 'must not contain NUL characters or unpaired UTF-16 surrogates');
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (depth > MAX_METADATA_DEPTH) fail(path, 'too_long', `must not nest deeper than ${MAX_METADATA_DEPTH} levels`);
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      // FerretDB 1.x (the MongoDB endpoint of the local stack) refuses an array directly inside an array.
      if (Array.isArray(item)) fail(`${path}[${i}]`, 'wrong_type', 'an array must not directly contain an array (wrap it in an object)');
      checkMetadataTree(item, `${path}[${i}]`, depth + 1);
    });
    return;
  }
  for (const [key, item] of Object.entries(v)) {
    const shown = `${path}.${isStorableText(key) ? key.slice(0, 64) : '(key)'}`;
    if (key.length === 0) fail(`${path}.(key)`, 'empty', 'keys must not be empty');
    if (!isStorableText(key)) fail(shown, 'bad_format', 'keys must not contain NUL characters or unpaired UTF-16 surrogates');
    if (key.startsWith('$') || key.includes('.')) fail(shown, 'bad_format', 'keys must not start with "$" or contain "."');
    if (key === '__proto__') fail(shown, 'bad_format', 'is not an allowed key');
    checkMetadataTree(item, shown, depth + 1);
  }
}

function metadata(v: unknown, field: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) return fail(field, 'wrong_type', `must be an object, got ${typeName(v)}`);
  checkMetadataTree(v, field, 1);
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch {
    return fail(field, 'bad_format', 'must be JSON-serialisable');
  }
  if (Buffer.byteLength(json, 'utf8') > MAX_METADATA_BYTES) fail(field, 'too_long', `must serialise to at most ${MAX_METADATA_BYTES} bytes`);
  return JSON.parse(json) as Record<string, unknown>; // a detached, JSON-clean copy
}

function location(v: unknown, field: string): GeoPoint | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) return fail(field, 'wrong_type', `must be an object {lat, lon}, got ${typeName(v)}`);
  const lat = finite(v.lat, `${field}.lat`, true);
  const lon = finite(v.lon, `${field}.lon`, true);
  if (lat < -90 || lat > 90) fail(`${field}.lat`, 'out_of_range', 'must be within [-90, 90]');
  if (lon < -180 || lon > 180) fail(`${field}.lon`, 'out_of_range', 'must be within [-180, 180]');
  return { lat, lon };
}

const SENSOR_FIELDS = {
  wire: { id: 'sensor_id', type: 'sensor_type', value: 'value', unit: 'unit', ts: 'timestamp', meta: 'metadata', loc: 'location' },
  api: { id: 'sensorId', type: 'sensorType', value: 'value', unit: 'unit', ts: 'timestamp', meta: 'metadata', loc: 'location' },
} as const;

const METER_FIELDS = {
  wire: { id: 'meter_id', customer: 'customer_id', ts: 'timestamp', energy: 'energy_kwh', power: 'power_kw', voltage: 'voltage', meta: 'metadata' },
  api: { id: 'meterId', customer: 'customerId', ts: 'timestamp', energy: 'energyKwh', power: 'powerKw', voltage: 'voltage', meta: 'metadata' },
} as const;

/** The message's object: plain JSON, or (from the API) the body the pipe already built. */
function objectOf(raw: unknown, naming: Naming): Record<string, unknown> {
  if (!isPlainObject(raw) && !(naming === 'api' && typeof raw === 'object' && raw !== null)) {
    return fail('(message)', 'wrong_type', `must be a JSON object, got ${typeName(raw)}`);
  }
  return raw as Record<string, unknown>;
}

function sensor(raw: unknown, naming: Naming, nowMs: number): SensorReading {
  const f = SENSOR_FIELDS[naming];
  const o = objectOf(raw, naming);
  const out: SensorReading = {
    sensorId: text(o[f.id], f.id, MAX_ID_LENGTH, true),
    sensorType: text(o[f.type], f.type, MAX_TYPE_LENGTH, true),
    value: finite(o[f.value], f.value, true),
    timestamp: timestamp(o[f.ts], f.ts, nowMs),
  };
  const unit = text(o[f.unit], f.unit, MAX_UNIT_LENGTH, false);
  if (unit !== undefined) out.unit = unit;
  const meta = metadata(o[f.meta], f.meta);
  if (meta !== undefined) out.metadata = meta;
  const loc = location(o[f.loc], f.loc);
  if (loc !== undefined) out.location = loc;
  return out;
}

function meter(raw: unknown, naming: Naming, nowMs: number): MeterReading {
  const f = METER_FIELDS[naming];
  const o = objectOf(raw, naming);
  const out: MeterReading = {
    meterId: text(o[f.id], f.id, MAX_ID_LENGTH, true),
    customerId: text(o[f.customer], f.customer, MAX_ID_LENGTH, true),
    timestamp: timestamp(o[f.ts], f.ts, nowMs),
    energyKwh: finite(o[f.energy], f.energy, true),
  };
  if (out.energyKwh < 0) fail(f.energy, 'negative', 'is a cumulative register and must be >= 0');
  const power = finite(o[f.power], f.power, false);
  if (power !== undefined) out.powerKw = power;
  const voltage = finite(o[f.voltage], f.voltage, false);
  if (voltage !== undefined) {
    if (voltage < 0) fail(f.voltage, 'negative', 'must be >= 0');
    out.voltage = voltage;
  }
  const meta = metadata(o[f.meta], f.meta);
  if (meta !== undefined) out.metadata = meta;
  return out;
}

function run<T>(fn: () => T): Validated<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * Validates a `sensor-data` message (the wire contract: snake_case, `timestamp` as ISO-8601
 * with zone or epoch ms) and returns the typed reading, or an error naming the wire field.
 * Pure: safe to call from the Kafka consumer to decide the DLQ reason.
 */
export function validateSensorReading(raw: unknown, nowMs: number = Date.now()): Validated<SensorReading> {
  return run(() => sensor(raw, 'wire', nowMs));
}

/** Validates a `meter-readings` message; see validateSensorReading. */
export function validateMeterReading(raw: unknown, nowMs: number = Date.now()): Validated<MeterReading> {
  return run(() => meter(raw, 'wire', nowMs));
}

/**
 * Checks a typed SensorReading given to the storage API (the same rules; fields named as in
 * the TypeScript type) and returns a normalised copy. Throws ReadingValidationError.
 */
export function checkSensorReading(reading: SensorReading, nowMs: number = Date.now()): SensorReading {
  const r = run(() => sensor(reading, 'api', nowMs));
  if (!r.ok) throw r.error;
  return r.value;
}

export function checkMeterReading(reading: MeterReading, nowMs: number = Date.now()): MeterReading {
  const r = run(() => meter(reading, 'api', nowMs));
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * Checks a metadata object by the rules the metadata of readings follows (storable text, key
 * rules, nesting, size), so metadata that arrives another way (the registry API) is held to the
 * same rules; fails naming the path under `field` (`metadata.vendor.name`).
 */
export function validateMetadata(raw: unknown, field = 'metadata'): Validated<Record<string, unknown>> {
  return run(() => metadata(raw, field) ?? fail(field, 'required', 'must be an object'));
}

/** Checks that `value` is one of `allowed`, naming `field` otherwise. */
export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ReadingValidationError(field, 'unknown_value', `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}
