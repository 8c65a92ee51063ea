/** Why a Kafka message's bytes are not a JSON object; the first check a consumer makes. */
export type PayloadRejectCode = 'payload_missing' | 'payload_too_large' | 'invalid_utf8' | 'invalid_json' | 'not_an_object';

export type DecodedPayload =
  | { ok: true; object: Record<string, unknown> }
  | { ok: false; code: PayloadRejectCode; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a message value that must be a JSON object of at most `maxBytes`, checking size
 * before parsing. Never throws: every refusal comes back with a code for the dead-letter
 * reason. Consumers add their own contract checks on the object.
 */
export function decodeJsonObject(value: Buffer | null | undefined, maxBytes: number): DecodedPayload {
  const no = (code: PayloadRejectCode, detail: string): DecodedPayload => ({ ok: false, code, detail });
  if (!value || value.length === 0) return no('payload_missing', 'message has no payload');
  if (value.length > maxBytes) return no('payload_too_large', `payload is ${value.length} bytes, the limit is ${maxBytes}`);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return no('invalid_utf8', 'payload is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return no('invalid_json', `payload is not JSON (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed;
    return no('not_an_object', `payload must be a JSON object, got ${got}`);
  }
  return { ok: true, object: parsed as Record<string, unknown> };
}
