import { uniqueName } from './test.names';

describe('uniqueName', () => {
  it('is safe for keyspaces, databases and topic names and carries the file name', () => {
    const name = uniqueName('sg');
    expect(name).toMatch(/^[a-z][a-z0-9_]{0,47}$/);
    expect(name).toContain('names');
    expect(name.startsWith('sg_')).toBe(true);
  });

  it('never repeats', () => {
    const names = new Set(Array.from({ length: 200 }, () => uniqueName('x')));
    expect(names.size).toBe(200);
  });

  it('cleans odd prefixes and stays within 48 characters', () => {
    expect(uniqueName('9-Weird Prefix!')).toMatch(/^t_9_weird_prefix_/);
    expect(uniqueName('a'.repeat(100)).length).toBeLessThanOrEqual(48);
    expect(uniqueName('')).toMatch(/^t_/);
  });
});
