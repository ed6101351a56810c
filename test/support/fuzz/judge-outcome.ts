import type { FuzzOutcome, FuzzRequest } from './fuzz-request.ts';

/** Why an answer is wrong, or undefined when it is acceptable. */
export interface Verdict {
  /** `gateway 5xx`, `non-JSON error`, `hang`, `no answer`, `invalid JSON 2xx`, `secret in answer`, `error in a 200 stream`. */
  failure: string;
  /** Status and the error's code (or the body's start): what the caller saw. */
  seen: string;
}

/**
 * The campaign's invariants for one answer. The upstream mock answers every request validly, so a
 * 5xx is the gateway's own; every error is a JSON object with an `error`; nothing hangs or resets;
 * no secret (master key, provider key) comes back.
 */
export function judgeOutcome(
  request: FuzzRequest,
  outcome: FuzzOutcome,
  secrets: readonly string[],
): Verdict | undefined {
  if (outcome.kind === 'timeout') return { failure: 'hang', seen: outcome.detail };
  if (outcome.kind === 'no-answer') return { failure: 'no answer', seen: outcome.detail };
  const { status, headers, body } = outcome;
  const text = body.toString('utf8');
  const contentType = headers['content-type'] ?? '';
  const seen = `${status} ${summarise(text, contentType)}`;
  const leaked = secrets.find(
    (secret) => text.includes(secret) || Object.values(headers).some((value) => value.includes(secret)),
  );
  if (leaked !== undefined) return { failure: 'secret in answer', seen };
  if (status >= 500 && !isReadinessRefusal(request, status, text)) return { failure: 'gateway 5xx', seen };
  if (status >= 400 && request.method !== 'HEAD' && !isJsonError(text, contentType))
    return {
      failure: 'non-JSON error',
      seen: `${status} content-type ${JSON.stringify(contentType)} body ${JSON.stringify(text.slice(0, 80))}`,
    };
  if (status < 300 && contentType.includes('json') && request.method !== 'HEAD' && parseJson(text) === undefined)
    return { failure: 'invalid JSON 2xx', seen };
  if (
    status < 300 &&
    contentType.includes('event-stream') &&
    /^event: error$|"type":\s*"error"|^data: \{"error"/m.test(text)
  )
    return { failure: 'error in a 200 stream', seen: `${status} ${JSON.stringify(text.slice(-200))}` };
  return undefined;
}

/**
 * `/health/ready` answers 503 `not_ready` when the store is slow to answer (over a second, as on a loaded
 * machine): its documented answer, not a fault. The campaign checks readiness again at its end.
 */
function isReadinessRefusal(request: FuzzRequest, status: number, text: string): boolean {
  if (request.route !== 'GET /health/ready' || request.method !== 'GET' || status !== 503) return false;
  const parsed = parseJson(text);
  return typeof parsed === 'object' && parsed !== null && 'status' in parsed && parsed.status === 'not_ready';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isJsonError(text: string, contentType: string): boolean {
  if (!contentType.includes('application/json')) return false;
  const parsed = parseJson(text);
  return typeof parsed === 'object' && parsed !== null && 'error' in parsed;
}

/** `invalid_request: <message>` for a JSON error, else the start of the body. */
function summarise(text: string, contentType: string): string {
  const parsed = contentType.includes('json') ? parseJson(text) : undefined;
  const error = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : undefined;
  if (typeof error === 'object' && error !== null) {
    const fields = error as Record<string, unknown>;
    const code = fields['code'] ?? fields['type'];
    return `${String(code)}: ${String(fields['message']).slice(0, 160)}`;
  }
  return JSON.stringify(text.slice(0, 120));
}
