import { isRefusal, messageOf } from '../storage.errors';

export interface RefusedRow<R> {
  row: R;
  /** The store's reason for refusing this row on its own. */
  reason: string;
}

/**
 * Writes `rows` with `write`; if the store refuses the batch, halves it until every row the
 * store accepts is written and every row it refuses is isolated (about 2·log2(n) extra calls
 * per refused row). Resolves with the refused rows; rejects with the first error that is not
 * a refusal (the store is unavailable: the caller treats the whole call as failed — rows
 * already written are written again later, which upserts make harmless).
 */
export async function writeAcceptedRows<R>(rows: readonly R[], write: (rows: readonly R[]) => Promise<void>): Promise<RefusedRow<R>[]> {
  if (rows.length === 0) return [];
  try {
    await write(rows);
    return [];
  } catch (err) {
    if (!isRefusal(err)) throw err;
    if (rows.length === 1) return [{ row: rows[0]!, reason: messageOf(err) }];
  }
  const mid = Math.ceil(rows.length / 2);
  const left = await writeAcceptedRows(rows.slice(0, mid), write);
  const right = await writeAcceptedRows(rows.slice(mid), write);
  return [...left, ...right];
}
