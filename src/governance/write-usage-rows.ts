import type { GovernanceStore, UsageRow } from '../store/store-records.ts';
import { cleanUsageRow } from './clean-usage-row.ts';

/**
 * What a usage writer needs of the store. One that cannot tell a refused row from a failing store
 * (no `refusesRow`) is taken to be failing as a whole: its rows wait rather than being dropped.
 */
export type UsageStore = Pick<GovernanceStore, 'insertUsage'> &
  Partial<Pick<GovernanceStore, 'refusesRow' | 'insertRequestDetails'>>;

export interface UsageWriteResult {
  written: number;
  /** Rows written only once their text was cleaned (NUL, lone surrogates). */
  cleaned: number;
  /** Rows the store refused even cleaned, for what they hold: dropped, never retried. */
  rejected: number;
  /** Whether the first attempt, the batch as it was, failed. */
  batchFailed: boolean;
  /**
   * The rows not settled because the store cannot write at all (down, read-only, full), to be retried
   * later; always the tail of `rows`, so the settled ones are a prefix (the journal relies on that order).
   */
  remaining: UsageRow[];
}

/**
 * Writes rows so that one bad row can never hold back the others: the batch as one statement; if the
 * store refuses its data, the batch with its text cleaned (one more statement: a NUL or a lone surrogate
 * is the usual poison); if that is refused too, row by row, dropping (and reporting) each row the store
 * still refuses. A store that fails for any other reason (unreachable, read-only, out of space) leaves
 * the rows unsettled, to be retried.
 */
export async function writeUsageRows(
  store: UsageStore,
  rows: readonly UsageRow[],
  onError: (error: unknown) => void,
): Promise<UsageWriteResult> {
  const result: UsageWriteResult = { written: 0, cleaned: 0, rejected: 0, batchFailed: false, remaining: [] };
  if (rows.length === 0) return result;
  try {
    await store.insertUsage(rows);
    return { ...result, written: rows.length };
  } catch (error) {
    onError(error);
    result.batchFailed = true;
    if (store.refusesRow?.(error) !== true) return { ...result, remaining: [...rows] };
  }
  const cleanedRows = rows.map(cleanUsageRow);
  const cleaned = cleanedRows.filter((row, index) => row !== rows[index]).length;
  if (cleaned > 0) {
    try {
      await store.insertUsage(cleanedRows);
      return { ...result, written: rows.length, cleaned };
    } catch (error) {
      onError(error);
      if (store.refusesRow?.(error) !== true) return { ...result, remaining: cleanedRows };
    }
  }
  for (let index = 0; index < cleanedRows.length; index++) {
    const row = cleanedRows[index] as UsageRow;
    try {
      await store.insertUsage([row]);
      result.written += 1;
      if (row !== rows[index]) result.cleaned += 1;
    } catch (error) {
      onError(error);
      if (store.refusesRow?.(error) !== true) return { ...result, remaining: cleanedRows.slice(index) };
      result.rejected += 1;
    }
  }
  return result;
}
