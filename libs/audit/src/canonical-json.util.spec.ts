import { canonicalJson } from './canonical-json.util';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('is independent of insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('sorts by UTF-16 code units (upper case before lower case, as RFC 8785)', () => {
    expect(canonicalJson({ b: 1, B: 2, 'é': 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('writes numbers and strings as JSON.stringify does', () => {
    expect(canonicalJson([1.0, 0.1, 1e21, -0, 'q"\n\u2028'])).toBe('[1,0.1,1e+21,0,"q\\"\\n\u2028"]');
  });

  it('leaves out undefined properties, writes undefined array items as null, Dates as ISO', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe('{"b":[null],"c":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses values JSON cannot hold faithfully', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(TypeError);
  });

  it('round-trips through JSON.parse to the same text (what PostgreSQL jsonb gives back)', () => {
    const v = { z: [1, 2.5, 'x'], a: { m: null, k: true }, n: 123456789.125 };
    const text = canonicalJson(v);
    expect(canonicalJson(JSON.parse(JSON.stringify(v)))).toBe(text);
  });
});
