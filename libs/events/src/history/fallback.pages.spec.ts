import { decodeCursor } from './cursor.codec';
import { firstAnsweringPage, NoStoreAnsweredError } from './fallback.pages';

type Row = { id: string; at: Date };
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, at: new Date(1_000_000 - i * 1000) }));

const read = (answers: Record<string, Row[] | Error>) => ({
  limit: 2,
  timeoutMs: 1000,
  what: 'rows',
  read: async (store: string, limit: number) => {
    const a = answers[store]!;
    if (a instanceof Error) throw a;
    return a.slice(0, limit);
  },
  keyOf: (r: Row) => ({ at: r.at, id: r.id }),
  unavailable: (failed: { store: string; error: string }[]) => new NoStoreAnsweredError(failed),
});

describe('firstAnsweringPage', () => {
  it('answers from the first store that can, naming it and the ones that failed, with a cursor pinned to it', async () => {
    const page = await firstAnsweringPage({ ...read({ a: new Error('down'), b: rows(3) }), order: ['a', 'b'] });
    expect(page.rows.map((r) => [r.id, r.source])).toEqual([['r0', 'b'], ['r1', 'b']]);
    expect(page.source).toBe('b');
    expect(page.failed).toEqual([{ store: 'a', error: 'down' }]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ store: 'b', at: rows(2)[1]!.at, id: 'r1' });
  });

  it('has no next cursor when the page holds the rest', async () => {
    expect((await firstAnsweringPage({ ...read({ a: rows(2) }), order: ['a'] })).nextCursor).toBeNull();
  });

  it('throws the caller’s error with every failure when no store answers', async () => {
    await expect(firstAnsweringPage({ ...read({ a: new Error('x'), b: new Error('y') }), order: ['a', 'b'] })).rejects.toMatchObject({
      attempts: [{ store: 'a', error: 'x' }, { store: 'b', error: 'y' }],
      message: 'no store could answer: a: x; b: y',
    });
  });
});
