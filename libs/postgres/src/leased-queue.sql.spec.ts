import type { DataSource } from 'typeorm';
import { claimLeased, MAX_ERROR_TEXT, releaseLeased } from './leased-queue.sql';

function recording(answer: unknown[] = []): { dataSource: DataSource; calls: { sql: string; params: unknown[] }[] } {
  const calls: { sql: string; params: unknown[] }[] = [];
  const dataSource = {
    query: async (sql: string, params: unknown[]) => {
      calls.push({ sql, params });
      return answer;
    },
  } as unknown as DataSource;
  return { dataSource, calls };
}

const squash = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

describe('claimLeased', () => {
  it('leases the queue rows whose lease is free or over, under SKIP LOCKED, and answers what `select` reads', async () => {
    const { dataSource, calls } = recording([{ id: '7' }]);
    const rows = await claimLeased<{ id: string }>(
      dataSource,
      { table: 'replication_backlog', where: 'target_store = $1', returning: ['id', 'kind'], select: 'SELECT * FROM leased ORDER BY id' },
      'cassandra',
      50,
      30_000,
    );
    expect(rows).toEqual([{ id: '7' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toEqual(['cassandra', 50, 30_000]);
    expect(squash(calls[0]!.sql)).toBe(
      'WITH picked AS ( SELECT id FROM replication_backlog WHERE target_store = $1 AND (leased_until IS NULL OR leased_until < now()) ' +
        'ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED ), leased AS ( UPDATE replication_backlog q ' +
        'SET leased_until = now() + make_interval(secs => $3::float8 / 1000) FROM picked WHERE q.id = picked.id ' +
        'RETURNING q.id, q.kind ) SELECT * FROM leased ORDER BY id',
    );
  });
});

describe('releaseLeased', () => {
  it('ends the lease at the retry time and keeps the error (cut to MAX_ERROR_TEXT) and the attempt count', async () => {
    const { dataSource, calls } = recording();
    const retryAt = new Date('2026-11-30T12:00:00.000Z');
    await releaseLeased(dataSource, 'grid_event_deliveries', '42', { error: 'x'.repeat(MAX_ERROR_TEXT + 10), attempts: 3, retryAt });
    expect(calls).toEqual([
      {
        sql: 'UPDATE grid_event_deliveries SET leased_until = $2, last_error = $3, attempts = $4 WHERE id = $1',
        params: ['42', '2026-11-30T12:00:00.000Z', 'x'.repeat(MAX_ERROR_TEXT), 3],
      },
    ]);
  });

  it('makes the row claimable at once when there is no retry time', async () => {
    const { dataSource, calls } = recording();
    await releaseLeased(dataSource, 'replication_backlog', '1', { error: 'boom', attempts: 1, retryAt: null });
    expect(calls[0]!.params).toEqual(['1', null, 'boom', 1]);
  });
});
