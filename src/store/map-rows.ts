import type { DailyUsageRow, LoggedRequest, UsageSeriesBucket } from './request-log-records.ts';
import type { ApiKeyRecord, BudgetPeriod, UsageAggregate, UsageRow } from './store-records.ts';

type Row = Record<string, unknown>;

/** Numbers come back as numbers (SQLite), strings (Postgres BIGINT, NUMERIC) or bigints. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return 0;
}

export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** JSON columns: text in SQLite, already parsed in Postgres (JSONB); null when absent or not JSON. */
export function fromJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function stringList(value: unknown): string[] | null {
  const parsed = fromJson(value);
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : null;
}

function objectOrNull(value: unknown): Record<string, unknown> | null {
  const parsed = fromJson(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return Object.fromEntries(Object.entries(parsed));
}

function budgetPeriod(value: unknown): BudgetPeriod | null {
  return value === 'daily' || value === 'weekly' || value === 'monthly' ? value : null;
}

export function toApiKeyRecord(row: Row): ApiKeyRecord {
  return {
    id: String(row['id']),
    name: String(row['name']),
    keyHash: String(row['key_hash']),
    keyPrefix: String(row['key_prefix']),
    models: stringList(row['models']),
    rpmLimit: toNumberOrNull(row['rpm_limit']),
    tpmLimit: toNumberOrNull(row['tpm_limit']),
    maxParallel: toNumberOrNull(row['max_parallel']),
    maxBudgetUsd: toNumberOrNull(row['max_budget_usd']),
    budgetPeriod: budgetPeriod(row['budget_period']),
    expiresAt: toNumberOrNull(row['expires_at']),
    metadata: objectOrNull(row['metadata']),
    createdAt: toNumber(row['created_at']),
    updatedAt: toNumber(row['updated_at']),
    revokedAt: toNumberOrNull(row['revoked_at']),
  };
}

export function toUsageAggregate(row: Row): UsageAggregate {
  return {
    group: row['grp'] === null || row['grp'] === undefined ? null : String(row['grp']),
    requests: toNumber(row['requests']),
    errors: toNumber(row['errors']),
    inputTokens: toNumber(row['input_tokens']),
    outputTokens: toNumber(row['output_tokens']),
    cachedTokens: toNumber(row['cached_tokens']),
    costUsd: toNumber(row['cost_usd']),
  };
}

/** Column order of `usage_records` inserts, shared by both dialects. */
export const usageColumns = [
  'request_id',
  'key_id',
  'model',
  'provider',
  'upstream_model',
  'route',
  'stream',
  'status',
  'error_code',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'attempts',
  'started_at',
  'finished_at',
  'cache_hit',
] as const;

/** A usage value as bound: SQLite takes `stream` and `cache_hit` as 0/1, Postgres as booleans. */
export type UsageValue = string | number | boolean | null;

/**
 * Writes a row's values into `target` from `offset`, in `usageColumns` order: a many-row statement's
 * parameters are filled in place, with no array built (and spread) per row.
 */
export function putUsageValues(
  target: UsageValue[],
  offset: number,
  row: UsageRow,
  stream: boolean | number,
  cacheHit: boolean | number,
): void {
  target[offset] = row.requestId;
  target[offset + 1] = row.keyId;
  target[offset + 2] = row.model;
  target[offset + 3] = row.provider;
  target[offset + 4] = row.upstreamModel;
  target[offset + 5] = row.route;
  target[offset + 6] = stream;
  target[offset + 7] = row.status;
  target[offset + 8] = row.errorCode;
  target[offset + 9] = row.inputTokens;
  target[offset + 10] = row.outputTokens;
  target[offset + 11] = row.cachedTokens;
  target[offset + 12] = row.cacheWriteTokens;
  target[offset + 13] = row.reasoningTokens;
  target[offset + 14] = row.costUsd;
  target[offset + 15] = row.latencyMs;
  target[offset + 16] = row.ttftMs;
  target[offset + 17] = row.attempts;
  target[offset + 18] = row.startedAt;
  target[offset + 19] = row.finishedAt;
  target[offset + 20] = cacheHit;
}

/** The fields a key patch may set, each with its column. */
export const keyPatchFields = [
  'name',
  'models',
  'rpmLimit',
  'tpmLimit',
  'maxParallel',
  'maxBudgetUsd',
  'budgetPeriod',
  'expiresAt',
  'metadata',
] as const;

export const keyPatchColumns: Record<(typeof keyPatchFields)[number], string> = {
  name: 'name',
  models: 'models',
  rpmLimit: 'rpm_limit',
  tpmLimit: 'tpm_limit',
  maxParallel: 'max_parallel',
  maxBudgetUsd: 'max_budget_usd',
  budgetPeriod: 'budget_period',
  expiresAt: 'expires_at',
  metadata: 'metadata',
};

function stringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A `usage_records` row read back as a logged request. */
export function toLoggedRequest(row: Row): LoggedRequest {
  return {
    id: toNumber(row['id']),
    requestId: String(row['request_id']),
    keyId: stringOrNull(row['key_id']),
    model: stringOrNull(row['model']),
    provider: stringOrNull(row['provider']),
    upstreamModel: stringOrNull(row['upstream_model']),
    route: String(row['route']),
    stream: row['stream'] === true || toNumber(row['stream']) === 1,
    status: toNumber(row['status']),
    errorCode: stringOrNull(row['error_code']),
    inputTokens: toNumber(row['input_tokens']),
    outputTokens: toNumber(row['output_tokens']),
    cachedTokens: toNumber(row['cached_tokens']),
    cacheWriteTokens: toNumber(row['cache_write_tokens']),
    reasoningTokens: toNumber(row['reasoning_tokens']),
    costUsd: toNumberOrNull(row['cost_usd']),
    latencyMs: toNumber(row['latency_ms']),
    ttftMs: toNumberOrNull(row['ttft_ms']),
    attempts: toNumber(row['attempts']),
    startedAt: toNumber(row['started_at']),
    finishedAt: toNumber(row['finished_at']),
    cacheHit: row['cache_hit'] === true || toNumber(row['cache_hit']) === 1,
  };
}

export function toSeriesBucket(row: Row): UsageSeriesBucket {
  return {
    start: toNumber(row['bucket']),
    requests: toNumber(row['requests']),
    errors: toNumber(row['errors']),
    inputTokens: toNumber(row['input_tokens']),
    outputTokens: toNumber(row['output_tokens']),
    costUsd: toNumber(row['cost_usd']),
  };
}

export function toDailyUsageRow(row: Row): DailyUsageRow {
  return {
    day: String(row['day']),
    group: stringOrNull(row['grp']),
    requests: toNumber(row['requests']),
    inputTokens: toNumber(row['input_tokens']),
    outputTokens: toNumber(row['output_tokens']),
    costUsd: toNumber(row['cost_usd']),
  };
}
