import type { UsageRow } from './store-records.ts';

/** One logged request: its usage row and the row id that pages through the log. */
export interface LoggedRequest extends UsageRow {
  id: number;
}

/** Which statuses a log query keeps: one exact code, or a class. */
export type StatusFilter = number | 'success' | 'error';

/** Filters of the request log, newest first, paged by row id. */
export interface RequestLogQuery {
  /** One request id (a caller's own may repeat). */
  requestId?: string | undefined;
  keyId?: string | undefined;
  model?: string | undefined;
  status?: StatusFilter | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  /** Epoch ms, exclusive. */
  to?: number | undefined;
  /** Only rows older than this row id (the cursor of the previous page). */
  before?: number | undefined;
  /** Only rows newer than this row id (live tail). */
  after?: number | undefined;
  limit: number;
}

/** A time series over [from, to) in buckets of `bucketMs`. */
export interface UsageSeriesQuery {
  from: number;
  to: number;
  bucketMs: number;
  keyId?: string | undefined;
  model?: string | undefined;
}

/** Usage per UTC day over [from, to), grouped for the stacked chart. */
export interface DailyUsageQuery {
  from: number;
  to: number;
  groupBy: 'model' | 'provider' | 'key';
  /** Only this key's calls (a key's own usage). */
  keyId?: string | undefined;
}

/** One bucket of a usage series: its totals and the latency rows it held. */
export interface UsageSeriesBucket {
  /** Epoch ms of the bucket's start. */
  start: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Usage per UTC day and per group (model, provider or key), for a stacked chart. */
export interface DailyUsageRow {
  day: string;
  group: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}
