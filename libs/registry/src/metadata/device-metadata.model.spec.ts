import { RegistryInputError } from '../registry.errors';
import { applyMergePatch, checkMetadata } from './device-metadata.model';

describe('applyMergePatch (RFC 7396)', () => {
  // The examples of RFC 7396, appendix A, that apply to objects.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{ a: 'foo' }, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('changes neither argument', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    applyMergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: 2 } });
  });

  it('applies every key, including constructor and prototype', () => {
    expect(applyMergePatch({}, { constructor: 1, prototype: true, z: 'last' })).toEqual({ constructor: 1, prototype: true, z: 'last' });
  });
});

describe('checkMetadata', () => {
  it.each([
    [[1, 2], 'body'],
    [{ 'a.b': 1 }, 'body.a.b'],
    [{ $set: 1 }, 'body.$set'],
    [{ tags: [[1]] }, 'body.tags[0]'],
    [{ s: 'nul\u0000' }, 'body.s'],
    [{ big: 'x'.repeat(20_000) }, 'body'],
  ])('refuses %j naming %s', (raw, field) => {
    try {
      checkMetadata(raw, 'body');
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(RegistryInputError);
      expect((e as RegistryInputError).field).toBe(field);
    }
  });

  it('keeps nested objects, arrays and nulls', () => {
    expect(checkMetadata({ a: { b: [1, { c: null }] } }, 'body')).toEqual({ a: { b: [1, { c: null }] } });
  });
});
