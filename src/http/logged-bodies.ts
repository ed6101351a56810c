import type { FastifyRequest } from 'fastify';
import type { RequestRecord } from '../gateway/request-record.ts';
import type { LoggedBodies } from '../governance/request-details.ts';
import { redactForLog } from '../logging/redact-text.ts';

/** Redacted once per request, whether for the log line, the stored detail, or both. */
const redacted = new WeakMap<RequestRecord, LoggedBodies>();

/**
 * The request's body and answer as body logging keeps them: redacted of credentials (the gateway's own by
 * value), e-mail addresses and card-like numbers, and cut to 16 KB with a marker (`redactForLog`).
 */
export function loggedBodiesOf(request: FastifyRequest, secrets: readonly string[]): LoggedBodies {
  const { record } = request;
  let bodies = redacted.get(record);
  if (bodies === undefined) {
    bodies = {
      request: request.body === undefined ? undefined : redactForLog(JSON.stringify(request.body), secrets),
      response: record.responseLog === undefined ? undefined : redactForLog(record.responseLog, secrets),
    };
    redacted.set(record, bodies);
  }
  return bodies;
}
