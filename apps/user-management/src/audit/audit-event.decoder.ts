import { decodeJsonObject } from '@smartgrid/kafka';
import type { PayloadRejectCode } from '@smartgrid/kafka';
import { createHash } from 'node:crypto';
import type { AuditDetails } from '@smartgrid/audit';

/**
 * Turns the raw bytes of an audit-events message into an event, or into the reason it is
 * refused (the consumer dead-letters those). Pure; never throws, whatever the input.
 *
 * Contract: {"actor","action","resource","timestamp","metadata"?}; no other top-level field
 * (a misspelt optional field would otherwise be lost silently).
 * - actor 1–256, action 1–128, resource 1–512 characters, no control characters;
 * - timestamp: ISO-8601 with a zone, or epoch milliseconds; 2000-01-01 .. now + 1 day;
 * - metadata: a JSON object, at most 10 levels deep, keys without a leading '$', without '.'
 *   and without NUL (MongoDB field names), no NUL in strings (PostgreSQL jsonb), numbers
 *   finite (1e400 parses to Infinity);
 * - the message at most `maxBytes` (default 64 KiB), UTF-8.
 */

export type AuditRejectCode = PayloadRejectCode | 'unknown_field' | 'required' | 'wrong_type' | 'empty' | 'too_long' | 'bad_format' | 'out_of_range';

export interface AuditRejection {
  code: AuditRejectCode;
  field?: string;
  detail: string;
}

export interface AuditEvent {
  actor: string;
  action: string;
  resource: string;
  timestamp: Date;
  metadata: AuditDetails;
}

export type DecodedAuditEvent = { ok: true; event: AuditEvent } | { ok: false; rejection: AuditRejection };

export interface AuditDecoderOptions {
  maxBytes: number;
  now: () => number;
}

export const DEFAULT_AUDIT_DECODER_OPTIONS: AuditDecoderOptions = { maxBytes: 64 * 1024, now: () => Date.now() };

const FIELDS: ReadonlySet<string> = new Set(['actor', 'action', 'resource', 'timestamp', 'metadata']);
const MAX_DEPTH = 10;
const MIN_TIME = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
// C0 controls and DEL; they have no place in names and would corrupt log lines.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function describeAuditRejection(r: AuditRejection): string {
  return r.field ? `${r.code}: ${r.field}: ${r.detail}` : `${r.code}: ${r.detail}`;
}

function reject(code: AuditRejectCode, detail: string, field?: string): DecodedAuditEvent {
  return { ok: false, rejection: { code, detail, ...(field ? { field } : {}) } };
}

function text(obj: Record<string, unknown>, field: string, max: number): string | AuditRejection {
  const v = obj[field];
  if (v === undefined || v === null) return { code: 'required', field, detail: `${field} is required` };
  if (typeof v !== 'string') return { code: 'wrong_type', field, detail: `${field} must be a string` };
  if (v.trim().length === 0) return { code: 'empty', field, detail: `${field} must not be empty` };
  if ([...v].length > max) return { code: 'too_long', field, detail: `${field} must be at most ${max} characters` };
  if (CONTROL.test(v)) return { code: 'bad_format', field, detail: `${field} must not contain control characters` };
  return v;
}

function parseTimestamp(v: unknown, now: number): Date | AuditRejection {
  const field = 'timestamp';
  let ms: number;
  if (v === undefined || v === null) return { code: 'required', field, detail: 'timestamp is required' };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return { code: 'bad_format', field, detail: 'an epoch timestamp must be whole milliseconds' };
    ms = v;
  } else if (typeof v === 'string') {
    const m = ISO_ZONED.exec(v);
    if (!m) return { code: 'bad_format', field, detail: 'timestamp must be ISO-8601 with a zone (Z or ±hh:mm) or epoch milliseconds' };
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
    // Date.parse rolls 2026-02-30 over to March; refuse impossible calendar fields instead.
    const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      return { code: 'bad_format', field, detail: 'timestamp is not a real date and time' };
    }
    ms = Date.parse(v);
    if (Number.isNaN(ms)) return { code: 'bad_format', field, detail: 'timestamp cannot be parsed' };
  } else {
    return { code: 'wrong_type', field, detail: 'timestamp must be a string or a number' };
  }
  if (ms < MIN_TIME || ms > now + DAY_MS) return { code: 'out_of_range', field, detail: 'timestamp must be between 2000-01-01 and one day from now' };
  return new Date(ms);
}

/** First problem in a metadata value, as [dotted path, detail], or null. */
function metadataProblem(v: unknown, path: string, depth: number): [string, AuditRejectCode, string] | null {
  if (depth > MAX_DEPTH) return [path, 'out_of_range', `nested deeper than ${MAX_DEPTH} levels`];
  if (typeof v === 'string') return v.includes('\u0000') ? [path, 'bad_format', 'strings must not contain NUL'] : null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : [path, 'out_of_range', 'numbers must be finite'];
  if (v === null || typeof v === 'boolean') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = metadataProblem(v[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof v === 'object') {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (k.length === 0 || k.startsWith('$') || k.includes('.') || k.includes('\u0000')) {
        return [`${path}.${k}`, 'bad_format', "keys must be non-empty, must not start with '$' nor contain '.' or NUL"];
      }
      const p = metadataProblem(child, `${path}.${k}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return [path, 'wrong_type', 'unsupported value'];
}

export function decodeAuditEvent(value: Buffer | null | undefined, options: AuditDecoderOptions = DEFAULT_AUDIT_DECODER_OPTIONS): DecodedAuditEvent {
  const payload = decodeJsonObject(value, options.maxBytes);
  if (!payload.ok) return reject(payload.code, payload.detail);
  const obj = payload.object;
  for (const k of Object.keys(obj)) {
    if (!FIELDS.has(k)) return reject('unknown_field', `unknown field (allowed: ${[...FIELDS].join(', ')})`, k);
  }
  const actor = text(obj, 'actor', 256);
  if (typeof actor !== 'string') return { ok: false, rejection: actor };
  const action = text(obj, 'action', 128);
  if (typeof action !== 'string') return { ok: false, rejection: action };
  const resource = text(obj, 'resource', 512);
  if (typeof resource !== 'string') return { ok: false, rejection: resource };
  const timestamp = parseTimestamp(obj.timestamp, options.now());
  if (!(timestamp instanceof Date)) return { ok: false, rejection: timestamp };
  let metadata: AuditDetails = {};
  if (obj.metadata !== undefined && obj.metadata !== null) {
    if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) return reject('wrong_type', 'metadata must be a JSON object', 'metadata');
    const problem = metadataProblem(obj.metadata, 'metadata', 1);
    if (problem) return reject(problem[1], problem[2], problem[0]);
    metadata = obj.metadata as AuditDetails;
  }
  return { ok: true, event: { actor, action, resource, timestamp, metadata } };
}

/**
 * The entry id of a message: a UUID-shaped digest of where it sits in Kafka, so redelivery of
 * the same record maps to the same id and is stored once.
 */
export function entryIdForRecord(topic: string, partition: number, offset: string): string {
  const h = createHash('sha256').update(`${topic}\u0000${partition}\u0000${offset}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8 (custom)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
