import { decodeJsonObject } from './json-payload.codec';

describe('decodeJsonObject', () => {
  const code = (v: Buffer | null, max = 64) => {
    const r = decodeJsonObject(v, max);
    return r.ok ? 'ok' : r.code;
  };

  it.each([
    ['no value', null, 'payload_missing'],
    ['empty value', Buffer.alloc(0), 'payload_missing'],
    ['too large', Buffer.from(`{"a":"${'x'.repeat(100)}"}`), 'payload_too_large'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_utf8'],
    ['not JSON', Buffer.from('{"a":'), 'invalid_json'],
    ['an array', Buffer.from('[1]'), 'not_an_object'],
    ['null', Buffer.from('null'), 'not_an_object'],
    ['a number', Buffer.from('42'), 'not_an_object'],
    ['an object', Buffer.from('{"a":1}'), 'ok'],
  ])('%s → %s', (_name, value, expected) => {
    expect(code(value)).toBe(expected);
  });

  it('returns the parsed object', () => {
    expect(decodeJsonObject(Buffer.from('{"a":[1,2]}'), 64)).toEqual({ ok: true, object: { a: [1, 2] } });
  });
});
