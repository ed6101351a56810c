/**
 * What a request's detail view adds to its usage row: the upstream attempts (kept only when there was more
 * than one, or one failed) and, with body logging on, the redacted bodies. Each in a table of its own, keyed
 * by request id, so the usage rows stay narrow and the bodies can have a shorter retention.
 */

/** One upstream attempt of a request. */
export interface AttemptDetail {
  provider: string;
  model: string;
  /** `succeeded`, or a failure followed by a retry in the same group, a fallback group, or nothing (`failed`). */
  outcome: 'succeeded' | 'retried' | 'fell_back' | 'failed';
  /** The upstream's HTTP status when it answered; null when it never did (a connection fault, a timeout). */
  status: number | null;
  /** The failure's stable error code; null for a success. */
  errorCode: string | null;
  latencyMs: number;
}

/** What is stored beside a usage row, when there is anything. */
export interface RequestDetails {
  /** The request body as received, redacted and bounded; null unless body logging is on. */
  requestBody: string | null;
  /** The answer as sent (a stream's events included), redacted and bounded; null unless body logging is on. */
  responseBody: string | null;
  /** Null when the request made one attempt, and it succeeded (the common case stores nothing). */
  attempts: AttemptDetail[] | null;
}

/** Details as written: keyed by the request id, dated for retention. */
export interface RequestDetailRow extends RequestDetails {
  requestId: string;
  /** Epoch ms: the usage row's `started_at`. */
  startedAt: number;
}

/** The tables of details, each with its own retention. */
export type RequestDetailTable = 'request_bodies' | 'request_attempts';
