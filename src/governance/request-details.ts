import { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamError } from '../errors/upstream-error.ts';
import type { AttemptNote, RequestRecord } from '../gateway/request-record.ts';
import type { AttemptDetail, RequestDetails } from '../store/request-detail-records.ts';
import { cleanText } from './clean-usage-row.ts';

/** A request's bodies as logged: redacted and bounded (`redactForLog`); undefined when there was none. */
export interface LoggedBodies {
  request: string | undefined;
  response: string | undefined;
}

/**
 * What to store beside the request's usage row: its attempts when there was more than one or one failed,
 * and its bodies when body logging gave them; undefined when neither (the common case).
 */
export function requestDetailsOf(record: RequestRecord, bodies: LoggedBodies | undefined): RequestDetails | undefined {
  const notes = record.attemptNotes;
  const requestBody = storable(bodies?.request);
  const responseBody = storable(bodies?.response);
  if (notes === undefined && requestBody === null && responseBody === null) return undefined;
  return { requestBody, responseBody, attempts: notes === undefined ? null : notes.map(toAttemptDetail) };
}

function toAttemptDetail(note: AttemptNote, index: number, notes: readonly AttemptNote[]): AttemptDetail {
  const { error } = note;
  const next = notes[index + 1];
  return {
    provider: note.provider,
    model: note.model,
    outcome:
      error === undefined
        ? 'succeeded'
        : next === undefined
          ? 'failed'
          : next.fallbacks > note.fallbacks
            ? 'fell_back'
            : 'retried',
    status: error === undefined ? 200 : error instanceof UpstreamError ? (error.upstreamStatus ?? null) : null,
    errorCode: error === undefined ? null : error instanceof GatewayError ? error.code : 'internal_error',
    latencyMs: Math.round(note.latencyMs * 100) / 100,
  };
}

/** Bodies hold whatever the caller sent: text Postgres can hold too (no NUL, no lone surrogate). */
function storable(text: string | undefined): string | null {
  return text === undefined ? null : cleanText(text);
}
