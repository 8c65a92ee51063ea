import fc from 'fast-check';
import { StoreRefusedError } from '../storage.errors';
import { writeAcceptedRows } from './refused-rows.splitter';

/** A store that refuses any batch holding a "bad" row, and records what it stored. */
function refusingStore(isBad: (n: number) => boolean) {
  const stored = new Set<number>();
  let calls = 0;
  return {
    stored,
    calls: () => calls,
    write: async (rows: readonly number[]) => {
      calls++;
      const bad = rows.find(isBad);
      if (bad !== undefined) throw new StoreRefusedError('postgres', `row ${bad} refused`, '22P05');
      for (const r of rows) stored.add(r);
    },
  };
}

describe('writeAcceptedRows', () => {
  it('writes a clean batch in one call', async () => {
    const s = refusingStore(() => false);
    expect(await writeAcceptedRows([1, 2, 3], s.write)).toEqual([]);
    expect(s.calls()).toBe(1);
    expect([...s.stored]).toEqual([1, 2, 3]);
  });

  it('isolates the refused rows and writes every other row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 600 }), fc.integer({ min: 2, max: 50 }), async (rows, m) => {
        const isBad = (n: number) => n % m === 0;
        const s = refusingStore(isBad);
        const refused = await writeAcceptedRows(rows, s.write);
        expect(refused.map((r) => r.row).sort((a, b) => a - b)).toEqual(rows.filter(isBad).sort((a, b) => a - b));
        expect([...s.stored].sort((a, b) => a - b)).toEqual(rows.filter((n) => !isBad(n)).sort((a, b) => a - b));
        for (const r of refused) expect(r.reason).toBe(`row ${r.row} refused`);
      }),
      { numRuns: 200 },
    );
  });

  it('costs about 2·log2(n) calls for one refused row among 500', async () => {
    const s = refusingStore((n) => n === 317);
    const rows = Array.from({ length: 500 }, (_, i) => i);
    await writeAcceptedRows(rows, s.write);
    expect(s.calls()).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(500)));
    expect(s.stored.size).toBe(499);
  });

  it('gives up on an error that is not a refusal (the store is unavailable)', async () => {
    const write = jest.fn(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(writeAcceptedRows([1, 2], write)).rejects.toThrow('ECONNREFUSED');
    expect(write).toHaveBeenCalledTimes(1);
  });
});
