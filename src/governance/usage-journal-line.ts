import { putUsageValues, type UsageValue, usageColumns } from '../store/map-rows.ts';
import type { UsageRow } from '../store/store-records.ts';

/** Reused for every line: a row's values in `usageColumns` order, filled in place. */
const values: UsageValue[] = new Array(usageColumns.length);

/** One journal line: the row's values as a JSON array in `usageColumns` order, and a newline. */
export function encodeUsageLine(row: UsageRow): string {
  putUsageValues(values, 0, row, row.stream, row.cacheHit);
  return `${JSON.stringify(values)}\n`;
}

/** The row of one journal line; undefined for a line that is not one (torn by a power cut, say). */
export function decodeUsageLine(line: string): UsageRow | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  // A line written before `cache_hit` existed has one value fewer: not a cache hit.
  if (!Array.isArray(parsed) || (parsed.length !== usageColumns.length && parsed.length !== usageColumns.length - 1))
    return undefined;
  const [requestId, keyId, model, provider, upstreamModel, route, stream, status, errorCode, ...numbers] = parsed;
  const [input, output, cached, cacheWrite, reasoning, cost, latency, ttft, attempts, startedAt, finishedAt, cacheHit] =
    numbers;
  if (
    typeof requestId !== 'string' ||
    typeof route !== 'string' ||
    typeof stream !== 'boolean' ||
    typeof status !== 'number' ||
    typeof input !== 'number' ||
    typeof output !== 'number' ||
    typeof cached !== 'number' ||
    typeof cacheWrite !== 'number' ||
    typeof reasoning !== 'number' ||
    typeof latency !== 'number' ||
    typeof attempts !== 'number' ||
    typeof startedAt !== 'number' ||
    typeof finishedAt !== 'number'
  )
    return undefined;
  return {
    requestId,
    keyId: textOrNull(keyId),
    model: textOrNull(model),
    provider: textOrNull(provider),
    upstreamModel: textOrNull(upstreamModel),
    route,
    stream,
    status,
    errorCode: textOrNull(errorCode),
    inputTokens: input,
    outputTokens: output,
    cachedTokens: cached,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
    costUsd: typeof cost === 'number' ? cost : null,
    latencyMs: latency,
    ttftMs: typeof ttft === 'number' ? ttft : null,
    attempts,
    startedAt,
    finishedAt,
    cacheHit: cacheHit === true,
  };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
