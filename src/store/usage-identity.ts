import { toNumber } from './map-rows.ts';
import type { UsageRow } from './store-records.ts';

/**
 * What tells one recorded call from another when a journal is replayed: its request id (which a
 * caller may choose) with its start and end times, to the millisecond.
 */
export function usageIdentity(row: Pick<UsageRow, 'requestId' | 'startedAt' | 'finishedAt'>): string {
  return `${row.startedAt}:${row.finishedAt}:${row.requestId}`;
}

/** The rows' start-time range and distinct request ids: what a store looks them up by. */
export function identityBounds(rows: readonly UsageRow[]): { from: number; to: number; ids: string[] } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const ids = new Set<string>();
  for (const row of rows) {
    from = Math.min(from, row.startedAt);
    to = Math.max(to, row.startedAt);
    ids.add(row.requestId);
  }
  return { from, to, ids: [...ids] };
}

/** The identity of a row read back from `usage_records`. */
export function toUsageIdentity(row: Record<string, unknown>): string {
  return usageIdentity({
    requestId: String(row['request_id']),
    startedAt: toNumber(row['started_at']),
    finishedAt: toNumber(row['finished_at']),
  });
}
