import { dayBucket, daysDesc, monthBucket, monthsDesc } from './cassandra-timeseries.store';
import { timeseriesCqlMigrations } from './timeseries.migrations';
import { sortMigrations } from '../cql.migrations';

describe('Cassandra time buckets', () => {
  it('buckets by UTC day and month', () => {
    expect(dayBucket(new Date('2026-01-31T23:59:59.999Z'))).toBe('2026-01-31');
    expect(dayBucket(new Date('2026-02-01T00:30:00+01:00'))).toBe('2026-01-31');
    expect(monthBucket(new Date('2026-12-31T23:59:59Z'))).toBe(202612);
    expect(monthBucket(new Date('2027-01-01T00:00:00Z'))).toBe(202701);
  });

  it('lists the buckets a half-open range touches, newest first', () => {
    expect(daysDesc(new Date('2026-01-30T12:00:00Z'), new Date('2026-02-01T00:00:00Z'))).toEqual(['2026-01-31', '2026-01-30']);
    expect(daysDesc(new Date('2026-01-30T12:00:00Z'), new Date('2026-02-01T00:00:00.001Z'))).toEqual(['2026-02-01', '2026-01-31', '2026-01-30']);
    expect(monthsDesc(new Date('2025-11-15T00:00:00Z'), new Date('2026-02-01T00:00:00Z'))).toEqual([202601, 202512, 202511]);
    expect(monthsDesc(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:01Z'))).toEqual([202601]);
  });
});

describe('timeseriesCqlMigrations', () => {
  it('are valid, in this feature’s version range, and use time-window compaction for history', () => {
    const sorted = sortMigrations(timeseriesCqlMigrations);
    expect(sorted.every((m) => m.version >= 100 && m.version < 200)).toBe(true);
    const cql = timeseriesCqlMigrations.flatMap((m) => m.statements).join('\n');
    expect(cql).toMatch(/PRIMARY KEY \(\(sensor_id, day\), ts\)\s*\) WITH CLUSTERING ORDER BY \(ts DESC\)/);
    expect(cql).toMatch(/PRIMARY KEY \(\(meter_id, month\), ts\)/);
    expect(cql.match(/TimeWindowCompactionStrategy/g)?.length).toBeGreaterThanOrEqual(3);
  });
});
