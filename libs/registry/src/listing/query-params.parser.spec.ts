import { RegistryInputError } from '../registry.errors';
import { decodeCursor, encodeCursor } from './listing.cursor';
import { parseBbox, parseIsoDurationMs, parseNear, parseSort, parseStatusList, splitMetaFilters } from './query-params.parser';

function refusal(fn: () => unknown): RegistryInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegistryInputError) return e;
    throw e;
  }
  throw new Error('expected a RegistryInputError');
}

describe('listing query parameters', () => {
  it('parses near with radius and refuses what is out of range', () => {
    expect(parseNear('41.33,19.82', '500')).toEqual({ lat: 41.33, lon: 19.82, radiusM: 500 });
    expect(refusal(() => parseNear('91,0', '10')).field).toBe('near');
    expect(refusal(() => parseNear('0,-180.5', '10')).field).toBe('near');
    expect(refusal(() => parseNear('0,0', undefined)).field).toBe('radius_m');
    expect(refusal(() => parseNear('0,0', '0')).field).toBe('radius_m');
    expect(refusal(() => parseNear('0,0', '100001')).field).toBe('radius_m');
    expect(refusal(() => parseNear('a,b', '1')).field).toBe('near');
    expect(refusal(() => parseNear('1e1,2', '1')).field).toBe('near');
  });

  it('parses a bounding box (one crossing the antimeridian too)', () => {
    expect(parseBbox('19.8,41.3,19.9,41.4')).toEqual({ minLon: 19.8, minLat: 41.3, maxLon: 19.9, maxLat: 41.4 });
    expect(parseBbox('179,-1,-179,1')).toEqual({ minLon: 179, minLat: -1, maxLon: -179, maxLat: 1 });
    expect(refusal(() => parseBbox('0,1,1,0')).field).toBe('bbox');
    expect(refusal(() => parseBbox('0,0,1')).field).toBe('bbox');
    expect(refusal(() => parseBbox('0,-95,1,0')).field).toBe('bbox');
  });

  it('reads ISO-8601 durations without calendar units', () => {
    expect(parseIsoDurationMs('PT15M', 'silent_for')).toBe(900_000);
    expect(parseIsoDurationMs('P1DT12H', 'silent_for')).toBe(129_600_000);
    expect(parseIsoDurationMs('P2W', 'silent_for')).toBe(14 * 86_400_000);
    expect(parseIsoDurationMs('PT0.5S', 'silent_for')).toBe(500);
    for (const bad of ['15m', 'P1M', 'P1Y', 'PT0S', '-PT1M', '']) expect(refusal(() => parseIsoDurationMs(bad, 'silent_for')).field).toBe('silent_for');
  });

  it('parses statuses and sorts', () => {
    expect(parseStatusList('active,inactive,active')).toEqual(['active', 'inactive']);
    expect(refusal(() => parseStatusList('active,gone')).field).toBe('status');
    expect(parseSort('-lastSeenAt', ['id', 'lastSeenAt'] as const, { field: 'id', descending: false })).toEqual({ field: 'lastSeenAt', descending: true });
    expect(parseSort(undefined, ['id'] as const, { field: 'id', descending: false })).toEqual({ field: 'id', descending: false });
    expect(refusal(() => parseSort('password', ['id'] as const, { field: 'id', descending: false })).field).toBe('sort');
  });

  it('splits meta.<path> filters from the rest, with the values the text may stand for', () => {
    const { meta, rest } = splitMetaFilters({ 'meta.firmware': '2.1', 'meta.vendor.name': 'acme', 'meta.tags': ['a', 'b'], status: 'active' });
    expect(rest).toEqual({ status: 'active' });
    expect(meta).toEqual([
      { path: ['firmware'], values: ['2.1', 2.1] },
      { path: ['vendor', 'name'], values: ['acme'] },
      { path: ['tags'], values: ['a'] },
      { path: ['tags'], values: ['b'] },
    ]);
    expect(splitMetaFilters({ 'meta.on': 'true' }).meta[0]!.values).toEqual(['true', true]);
    expect(refusal(() => splitMetaFilters({ 'meta.': 'x' })).field).toBe('meta.');
    expect(refusal(() => splitMetaFilters({ 'meta.$where': 'x' })).field).toBe('meta.$where');
    expect(refusal(() => splitMetaFilters({ 'meta.a..b': 'x' })).field).toBe('meta.a..b');
  });

  it('round-trips cursors and refuses one from another sort or a forged one', () => {
    const sort = { field: 'name', descending: true };
    const c = encodeCursor(sort, { key: 'Feeder 7', id: 'S-1' });
    expect(decodeCursor(c, sort)).toEqual({ key: 'Feeder 7', id: 'S-1' });
    expect(refusal(() => decodeCursor(c, { field: 'name', descending: false })).field).toBe('cursor');
    expect(refusal(() => decodeCursor('not-a-cursor', sort)).field).toBe('cursor');
  });
});
