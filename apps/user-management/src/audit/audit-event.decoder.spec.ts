import { decodeAuditEvent, describeAuditRejection, entryIdForRecord } from './audit-event.decoder';

const now = Date.parse('2026-11-26T12:00:00Z');
const opts = { maxBytes: 1024, now: () => now };
const decode = (v: unknown) => decodeAuditEvent(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), opts);
const valid = { actor: 'data-processing', action: 'storage.replay', resource: 'backlog', timestamp: '2026-11-26T10:00:00.000Z', metadata: { replayed: 12 } };

describe('decodeAuditEvent', () => {
  it('accepts the contract example, with ISO or epoch-ms timestamps', () => {
    const a = decode(valid);
    expect(a).toEqual({ ok: true, event: { ...valid, timestamp: new Date(valid.timestamp) } });
    const b = decode({ ...valid, timestamp: Date.parse(valid.timestamp) });
    expect(b.ok && b.event.timestamp.toISOString()).toBe(valid.timestamp);
  });

  it('defaults metadata to an empty object', () => {
    const { metadata: _m, ...rest } = valid;
    const d = decode(rest);
    expect(d.ok && d.event.metadata).toEqual({});
  });

  it.each([
    ['empty value', '', 'payload_missing', undefined],
    ['not JSON', '{"actor":', 'invalid_json', undefined],
    ['an array', '[1]', 'not_an_object', undefined],
    ['unknown field', { ...valid, extra: 1 }, 'unknown_field', 'extra'],
    ['missing actor', { ...valid, actor: undefined }, 'required', 'actor'],
    ['numeric action', { ...valid, action: 7 }, 'wrong_type', 'action'],
    ['blank resource', { ...valid, resource: '  ' }, 'empty', 'resource'],
    ['oversized actor', { ...valid, actor: 'a'.repeat(257) }, 'too_long', 'actor'],
    ['control character', { ...valid, actor: 'a\nb' }, 'bad_format', 'actor'],
    ['zoneless timestamp', { ...valid, timestamp: '2026-11-26T10:00:00' }, 'bad_format', 'timestamp'],
    ['impossible date', { ...valid, timestamp: '2026-02-30T10:00:00Z' }, 'bad_format', 'timestamp'],
    ['far future', { ...valid, timestamp: '2030-01-01T00:00:00Z' }, 'out_of_range', 'timestamp'],
    ['metadata array', { ...valid, metadata: [1] }, 'wrong_type', 'metadata'],
    ['$ key', { ...valid, metadata: { $where: 1 } }, 'bad_format', 'metadata.$where'],
    ['dotted key', { ...valid, metadata: { 'a.b': 1 } }, 'bad_format', 'metadata.a.b'],
    ['NUL string', { ...valid, metadata: { a: 'x\u0000' } }, 'bad_format', 'metadata.a'],
    ['infinite number', '{"actor":"a","action":"b","resource":"c","timestamp":"2026-11-26T10:00:00Z","metadata":{"n":1e400}}', 'out_of_range', 'metadata.n'],
  ])('refuses %s', (_name, input, code, field) => {
    const d = decode(input);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.rejection.code).toBe(code);
      expect(d.rejection.field).toBe(field);
      expect(describeAuditRejection(d.rejection)).toContain(code);
    }
  });

  it('refuses invalid UTF-8 and oversized payloads', () => {
    const bad = decodeAuditEvent(Buffer.from([0x7b, 0xff, 0x7d]), opts);
    expect(!bad.ok && bad.rejection.code).toBe('invalid_utf8');
    const big = decodeAuditEvent(Buffer.alloc(2048, 0x20), opts);
    expect(!big.ok && big.rejection.code).toBe('payload_too_large');
  });

  it('refuses metadata nested too deep', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const d = decode({ ...valid, metadata: deep });
    expect(!d.ok && d.rejection.code).toBe('out_of_range');
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 40 }, () => Math.floor(Math.random() * 256)));
      expect(() => decodeAuditEvent(bytes, opts)).not.toThrow();
    }
  });
});

describe('entryIdForRecord', () => {
  it('is a stable UUID per topic/partition/offset', () => {
    const a = entryIdForRecord('audit-events', 0, '42');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(entryIdForRecord('audit-events', 0, '42')).toBe(a);
    expect(entryIdForRecord('audit-events', 1, '42')).not.toBe(a);
    expect(entryIdForRecord('audit-events', 0, '43')).not.toBe(a);
  });
});
