/**
 * At least thirty kinds of broken messages, each with the reason code the consumer must put in
 * its dead-letter header. Shared by the decoder's unit spec and the Kafka end-to-end spec.
 */

export type CorpusTopic = 'sensor' | 'meter';

export interface MalformedCase {
  name: string;
  topic: CorpusTopic;
  key: string | null;
  value: Buffer | null;
  /** Expected reason code (the text before the first ':' of the DLQ reason header). */
  code: string;
  /** Expected field named in the reason, when there is one. */
  field?: string;
}

const j = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

/** A valid sensor message at `ts` (ISO string) for `id`. */
export function sensorMessage(id: string, ts: string, value = 229.7): Record<string, unknown> {
  return { sensor_id: id, sensor_type: 'voltage', value, unit: 'V', timestamp: ts, metadata: { firmware: '2.1' }, location: { lat: 41.33, lon: 19.82 } };
}

export function meterMessage(id: string, customer: string, ts: string, kwh: number): Record<string, unknown> {
  return { meter_id: id, customer_id: customer, timestamp: ts, energy_kwh: kwh, power_kw: 3.2, voltage: 230.1, metadata: {} };
}

export function malformedCorpus(idPrefix: string, nowMs = Date.now()): MalformedCase[] {
  const ts = new Date(nowMs - 3600_000).toISOString();
  const sid = `${idPrefix}S-BAD`;
  const mid = `${idPrefix}M-BAD`;
  const s = sensorMessage(sid, ts);
  const m = meterMessage(mid, `${idPrefix}C-BAD`, ts, 100);
  const without = (o: Record<string, unknown>, k: string): Record<string, unknown> => {
    const { [k]: _drop, ...rest } = o;
    return rest;
  };
  const cases: MalformedCase[] = [
    { name: 'tombstone (null value)', topic: 'sensor', key: sid, value: null, code: 'payload_missing' },
    { name: 'empty payload', topic: 'sensor', key: sid, value: Buffer.alloc(0), code: 'payload_missing' },
    { name: 'plain text', topic: 'sensor', key: sid, value: Buffer.from('voltage=229.7'), code: 'invalid_json' },
    { name: 'truncated JSON', topic: 'sensor', key: sid, value: Buffer.from(JSON.stringify(s).slice(0, 40)), code: 'invalid_json' },
    { name: 'NaN literal', topic: 'sensor', key: sid, value: Buffer.from(JSON.stringify(s).replace('229.7', 'NaN')), code: 'invalid_json' },
    { name: 'single-quoted JSON', topic: 'sensor', key: sid, value: Buffer.from(`{'sensor_id':'${sid}'}`), code: 'invalid_json' },
    { name: 'invalid UTF-8', topic: 'sensor', key: sid, value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), code: 'invalid_utf8' },
    { name: 'JSON array', topic: 'sensor', key: sid, value: j([s]), code: 'not_an_object' },
    { name: 'JSON string', topic: 'sensor', key: sid, value: j('S-1001'), code: 'not_an_object' },
    { name: 'JSON number', topic: 'sensor', key: sid, value: Buffer.from('42'), code: 'not_an_object' },
    { name: 'JSON null', topic: 'sensor', key: sid, value: Buffer.from('null'), code: 'not_an_object' },
    { name: 'oversized payload', topic: 'sensor', key: sid, value: j({ ...s, metadata: { blob: 'x'.repeat(70_000) } }), code: 'payload_too_large' },
    // Unknown top-level fields are kept in the metadata (tolerant reader), under its rules.
    { name: 'unknown top-level field that cannot be a metadata key', topic: 'sensor', key: sid, value: j({ ...s, 'fw.version': '2.2' }), code: 'bad_format', field: 'fw.version' },
    { name: 'unknown top-level field with an unpaired surrogate', topic: 'sensor', key: sid, value: j({ ...s, note: 'x\ud800' }), code: 'bad_format', field: 'note' },
    { name: 'meter: unknown field starting with $', topic: 'meter', key: mid, value: j({ ...m, $where: 'x' }), code: 'bad_format', field: '$where' },
    { name: 'unknown location field', topic: 'sensor', key: sid, value: j({ ...s, location: { lat: 41, lon: 19, alt: 100 } }), code: 'unknown_field', field: 'location.alt' },
    { name: 'missing sensor_id', topic: 'sensor', key: null, value: j(without(s, 'sensor_id')), code: 'required', field: 'sensor_id' },
    { name: 'empty sensor_id', topic: 'sensor', key: null, value: j({ ...s, sensor_id: '  ' }), code: 'empty', field: 'sensor_id' },
    { name: 'sensor_id too long', topic: 'sensor', key: null, value: j({ ...s, sensor_id: 'S'.repeat(129) }), code: 'too_long', field: 'sensor_id' },
    { name: 'sensor_id is a number', topic: 'sensor', key: null, value: j({ ...s, sensor_id: 1001 }), code: 'wrong_type', field: 'sensor_id' },
    { name: 'sensor_id with control characters', topic: 'sensor', key: null, value: j({ ...s, sensor_id: 'S-1\n001' }), code: 'bad_format', field: 'sensor_id' },
    { name: 'missing sensor_type', topic: 'sensor', key: sid, value: j(without(s, 'sensor_type')), code: 'required', field: 'sensor_type' },
    { name: 'sensor_type is an object', topic: 'sensor', key: sid, value: j({ ...s, sensor_type: { kind: 'voltage' } }), code: 'wrong_type', field: 'sensor_type' },
    { name: 'missing value', topic: 'sensor', key: sid, value: j(without(s, 'value')), code: 'required', field: 'value' },
    { name: 'value is a string', topic: 'sensor', key: sid, value: j({ ...s, value: '229.7' }), code: 'wrong_type', field: 'value' },
    { name: 'value is a boolean', topic: 'sensor', key: sid, value: j({ ...s, value: true }), code: 'wrong_type', field: 'value' },
    { name: 'value overflows to Infinity', topic: 'sensor', key: sid, value: Buffer.from(JSON.stringify(s).replace('229.7', '1e999')), code: 'not_finite', field: 'value' },
    { name: 'value overflows to -Infinity', topic: 'sensor', key: sid, value: Buffer.from(JSON.stringify(s).replace('229.7', '-1e999')), code: 'not_finite', field: 'value' },
    { name: 'missing timestamp', topic: 'sensor', key: sid, value: j(without(s, 'timestamp')), code: 'required', field: 'timestamp' },
    { name: 'timestamp in words', topic: 'sensor', key: sid, value: j({ ...s, timestamp: 'yesterday' }), code: 'bad_format', field: 'timestamp' },
    { name: 'timestamp without zone', topic: 'sensor', key: sid, value: j({ ...s, timestamp: ts.replace('Z', '') }), code: 'bad_format', field: 'timestamp' },
    { name: 'impossible calendar date', topic: 'sensor', key: sid, value: j({ ...s, timestamp: '2026-02-30T10:00:00Z' }), code: 'bad_format', field: 'timestamp' },
    { name: 'timestamp in 1970', topic: 'sensor', key: sid, value: j({ ...s, timestamp: '1970-01-01T00:00:00Z' }), code: 'out_of_range', field: 'timestamp' },
    { name: 'timestamp far in the future', topic: 'sensor', key: sid, value: j({ ...s, timestamp: '2999-01-01T00:00:00Z' }), code: 'out_of_range', field: 'timestamp' },
    { name: 'epoch seconds instead of milliseconds', topic: 'sensor', key: sid, value: j({ ...s, timestamp: Math.floor(nowMs / 1000) }), code: 'out_of_range', field: 'timestamp' },
    { name: 'epoch microseconds', topic: 'sensor', key: sid, value: j({ ...s, timestamp: nowMs * 1000 }), code: 'out_of_range', field: 'timestamp' },
    { name: 'timestamp is a boolean', topic: 'sensor', key: sid, value: j({ ...s, timestamp: false }), code: 'wrong_type', field: 'timestamp' },
    { name: 'unit is a number', topic: 'sensor', key: sid, value: j({ ...s, unit: 5 }), code: 'wrong_type', field: 'unit' },
    { name: 'metadata is an array', topic: 'sensor', key: sid, value: j({ ...s, metadata: ['2.1'] }), code: 'wrong_type', field: 'metadata' },
    // PostgreSQL's jsonb refuses both; once they jammed replication (the stores must never see them).
    { name: 'metadata with an unpaired surrogate', topic: 'sensor', key: sid, value: j({ ...s, metadata: { x: '\ud800' } }), code: 'bad_format', field: 'metadata.x' },
    { name: 'metadata with a NUL character', topic: 'sensor', key: sid, value: j({ ...s, metadata: { x: '\u0000' } }), code: 'bad_format', field: 'metadata.x' },
    { name: 'nested metadata key with NUL', topic: 'sensor', key: sid, value: j({ ...s, metadata: { a: { ['b\u0000']: 1 } } }), code: 'bad_format', field: 'metadata.a.(key)' },
    { name: 'meter metadata with an unpaired surrogate', topic: 'meter', key: mid, value: j({ ...m, metadata: { note: 'x\udfff' } }), code: 'bad_format', field: 'metadata.note' },
    { name: 'location is a string', topic: 'sensor', key: sid, value: j({ ...s, location: '41.33,19.82' }), code: 'wrong_type', field: 'location' },
    { name: 'latitude out of range', topic: 'sensor', key: sid, value: j({ ...s, location: { lat: 141.3, lon: 19.8 } }), code: 'out_of_range', field: 'location.lat' },
    { name: 'longitude missing', topic: 'sensor', key: sid, value: j({ ...s, location: { lat: 41.3 } }), code: 'required', field: 'location.lon' },
    { name: 'key differs from sensor_id', topic: 'sensor', key: 'S-OTHER', value: j(s), code: 'key_mismatch', field: 'sensor_id' },
    { name: 'prototype pollution attempt', topic: 'sensor', key: sid, value: Buffer.from(JSON.stringify(s).replace(/^\{/, '{"__proto__":{"admin":true},')), code: 'bad_format', field: '__proto__' },
    { name: 'meter: missing energy_kwh', topic: 'meter', key: mid, value: j(without(m, 'energy_kwh')), code: 'required', field: 'energy_kwh' },
    { name: 'meter: negative register', topic: 'meter', key: mid, value: j({ ...m, energy_kwh: -1.5 }), code: 'negative', field: 'energy_kwh' },
    { name: 'meter: register as string', topic: 'meter', key: mid, value: j({ ...m, energy_kwh: '15234.125' }), code: 'wrong_type', field: 'energy_kwh' },
    { name: 'meter: missing customer_id', topic: 'meter', key: mid, value: j(without(m, 'customer_id')), code: 'required', field: 'customer_id' },
    { name: 'meter: power_kw is a string', topic: 'meter', key: mid, value: j({ ...m, power_kw: 'high' }), code: 'wrong_type', field: 'power_kw' },
    { name: 'meter: negative voltage', topic: 'meter', key: mid, value: j({ ...m, voltage: -230 }), code: 'negative', field: 'voltage' },
    { name: 'meter: sensor message on the meter topic', topic: 'meter', key: sid, value: j(s), code: 'required', field: 'meter_id' },
    { name: 'meter: key differs from meter_id', topic: 'meter', key: 'M-OTHER', value: j(m), code: 'key_mismatch', field: 'meter_id' },
  ];
  return cases;
}
