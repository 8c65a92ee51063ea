/**
 * Deterministic JSON for hashing: object keys sorted by UTF-16 code units (as
 * Array.prototype.sort does), no whitespace, strings and numbers written exactly as
 * JSON.stringify writes them (shortest round-trip numbers, -0 as 0), properties whose value
 * is undefined left out, undefined array items written as null, Dates as ISO-8601 strings.
 * This matches RFC 8785 (JCS) for every value the audit log stores. Non-finite numbers and
 * values JSON cannot hold (functions, symbols, bigints) are refused rather than coerced, so
 * two different entries can never serialise to the same text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      for (const k of keys) {
        if (obj[k] === undefined) continue;
        out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(obj[k]);
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}
