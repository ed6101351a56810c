import { fromJson } from './map-rows.ts';
import type { AttemptDetail, RequestDetails } from './request-detail-records.ts';

type Row = Record<string, unknown>;

const outcomes = new Set<AttemptDetail['outcome']>(['succeeded', 'retried', 'fell_back', 'failed']);

function isOutcome(value: unknown): value is AttemptDetail['outcome'] {
  return typeof value === 'string' && outcomes.has(value as AttemptDetail['outcome']);
}

/** One stored attempt, read leniently: a field of the wrong type reads as its empty value. */
function toAttemptDetail(value: unknown): AttemptDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  return {
    provider: typeof entry['provider'] === 'string' ? entry['provider'] : '',
    model: typeof entry['model'] === 'string' ? entry['model'] : '',
    outcome: isOutcome(entry['outcome']) ? entry['outcome'] : 'failed',
    status: typeof entry['status'] === 'number' ? entry['status'] : null,
    errorCode: typeof entry['errorCode'] === 'string' ? entry['errorCode'] : null,
    latencyMs: typeof entry['latencyMs'] === 'number' ? entry['latencyMs'] : 0,
  };
}

/** The `attempts` column (JSON: see `fromJson`). */
function toAttemptDetails(value: unknown): AttemptDetail[] | null {
  const parsed = fromJson(value);
  if (!Array.isArray(parsed)) return null;
  return parsed.map(toAttemptDetail).filter((entry) => entry !== undefined);
}

/** The details joined to a usage row (`attempt_log`, `request_body`, `response_body`; null when not kept). */
export function toRequestDetails(row: Row): RequestDetails {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    requestBody: text(row['request_body']),
    responseBody: text(row['response_body']),
    attempts: toAttemptDetails(row['attempt_log']),
  };
}
