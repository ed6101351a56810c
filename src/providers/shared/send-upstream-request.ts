import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../../errors/gateway-error.ts';
import { UpstreamError } from '../../errors/upstream-error.ts';
import { AnswerInterrupted, CallerGone, DeadlineExceeded } from './abort-reasons.ts';
import {
  dispatchStreaming,
  type StreamingAnswer,
  type StreamingCall,
  type UpstreamBody,
} from './dispatch-streaming.ts';
import { redactSecrets } from './redact-secrets.ts';

/** What a provider's error body says, pulled out by its own extractor. */
export interface UpstreamErrorDetails {
  message: string | undefined;
  type: string | undefined;
}

export interface UpstreamRequest extends StreamingCall {
  /** Provider instance name, used in error messages. */
  provider: string;
  dispatcher: Dispatcher;
  /** Values never allowed to appear in an error message (the provider's key). */
  secrets: readonly string[];
  /** Reads the provider's error body shape. */
  extractError: (body: unknown) => UpstreamErrorDetails;
}

export type { UpstreamBody };

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

const maxErrorBodyBytes = 64 * 1024;

/**
 * POSTs to an upstream and returns the response, its body still to be read, once its status is 2xx.
 * Every other outcome becomes a typed error: an `UpstreamError` for HTTP failures, timeouts and network
 * faults, or a `client_closed_request` GatewayError when the caller went away.
 */
export async function sendUpstreamRequest(request: UpstreamRequest): Promise<UpstreamResponse> {
  let response: StreamingAnswer;
  try {
    response = await dispatchStreaming(request.dispatcher, request);
  } catch (error) {
    throw toUpstreamFailure(error, request.provider, request.signal);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) {
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  }
  throw await readUpstreamError(response, request);
}

/** Maps a thrown network/abort/timeout error to the gateway's typed errors. */
export function toUpstreamFailure(error: unknown, provider: string, signal?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (reason instanceof CallerGone || error instanceof CallerGone) {
    return new GatewayError('client_closed_request', 'The caller closed the connection.', { cause: error });
  }
  const code = errorCodeOf(error);
  const timedOut =
    reason instanceof DeadlineExceeded ||
    error instanceof DeadlineExceeded ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT';
  if (timedOut) {
    return new UpstreamError({
      provider,
      upstreamStatus: undefined,
      upstreamMessage: undefined,
      failure: 'timeout',
      cause: error,
    });
  }
  if (error instanceof AnswerInterrupted) {
    return new UpstreamError({
      provider,
      upstreamStatus: undefined,
      upstreamMessage: error.message,
      failure: 'interrupted',
      cause: error,
    });
  }
  return new UpstreamError({
    provider,
    upstreamStatus: undefined,
    upstreamMessage: undefined,
    failure: 'unreachable',
    cause: error,
  });
}

/**
 * Maps an error thrown while reading a stream that had started: an idle timeout stays a timeout, a
 * caller that left stays `client_closed_request`, anything else is an interrupted stream.
 */
export function toStreamReadFailure(error: unknown, provider: string, signal?: AbortSignal): GatewayError {
  const failure = toUpstreamFailure(error, provider, signal);
  if (failure.code !== 'upstream_unreachable') return failure;
  return new UpstreamError({
    provider,
    upstreamStatus: undefined,
    upstreamMessage: error instanceof Error ? error.message : undefined,
    failure: 'interrupted',
    cause: error,
  });
}

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

async function readUpstreamError(response: StreamingAnswer, request: UpstreamRequest): Promise<UpstreamError> {
  let text = '';
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > maxErrorBodyBytes) {
        response.body.destroy();
        break;
      }
      chunks.push(chunk);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch {
    // An error body that breaks off still leaves us the status code.
  }
  return upstreamErrorFromBody({ statusCode: response.statusCode, headers: response.headers, text }, request);
}

/** The typed error for a non-2xx upstream answer, from its (bounded) body and headers. */
export function upstreamErrorFromBody(
  answer: { statusCode: number; headers: IncomingHttpHeaders; text: string },
  request: Pick<UpstreamRequest, 'provider' | 'secrets' | 'extractError'>,
): UpstreamError {
  let details: UpstreamErrorDetails = { message: undefined, type: undefined };
  try {
    details = request.extractError(JSON.parse(answer.text.slice(0, maxErrorBodyBytes)));
  } catch {
    // Not JSON (an HTML page from a load balancer, say): the status alone tells the story.
  }
  const message = details.message === undefined ? undefined : redactSecrets(details.message, request.secrets);
  return new UpstreamError({
    provider: request.provider,
    upstreamStatus: answer.statusCode,
    upstreamMessage: message,
    upstreamType: details.type,
    headers: retryHeaders(answer.headers),
  });
}

/** The retry hints a caller may use; nothing else of the upstream's headers is passed on errors. */
function retryHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string') result['retry-after'] = retryAfter;
  const retryAfterMs = headers['retry-after-ms'];
  if (typeof retryAfterMs === 'string') result['retry-after-ms'] = retryAfterMs;
  return result;
}
