import type { ErrorCode } from './error-codes.ts';
import { GatewayError } from './gateway-error.ts';

export interface UpstreamErrorOptions {
  provider: string;
  /** HTTP status of the upstream answer; undefined for network failures and timeouts. */
  upstreamStatus: number | undefined;
  /** The upstream's own error message, already scrubbed of secrets. */
  upstreamMessage: string | undefined;
  /** The upstream's error type or code (`rate_limit_error`, `context_length_exceeded`). */
  upstreamType?: string | undefined;
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
  /** Set when the failure is a timeout or network fault rather than an HTTP answer. */
  failure?: 'timeout' | 'unreachable' | 'interrupted' | 'invalid-response';
  /** Overrides the status-based judgement (a stream that broke before its first content is worth a retry). */
  retryable?: boolean;
}

/**
 * A failed upstream call, built once at the HTTP boundary by each provider. Retry, fallback and
 * logging read this one object. Its gateway `code` and `status` follow the foundation's mapping:
 * upstream 401/402/403 → 502 (our credentials, not the caller's); 400/404/413/422 → the same status with
 * the upstream's message; 408 → 504; 429 → 429 with Retry-After; 5xx and anything else → 502.
 */
export class UpstreamError extends GatewayError {
  override readonly name = 'UpstreamError';
  readonly provider: string;
  readonly upstreamStatus: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly upstreamType: string | undefined;
  /** True for failures worth retrying: 408, 409, 429, 5xx, timeouts and connection faults. */
  readonly isRetryable: boolean;

  constructor(options: UpstreamErrorOptions) {
    const { code, status } = classify(options);
    super(code, describe(options, code), {
      status,
      headers: options.headers ?? {},
      cause: options.cause,
    });
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamMessage = options.upstreamMessage;
    this.upstreamType = options.upstreamType;
    this.isRetryable = options.retryable ?? isRetryableFailure(options);
  }
}

const passedThroughStatuses = new Set([400, 404, 413, 422]);

/**
 * How providers say the input is too long: OpenAI's `context_length_exceeded` code, and messages such as
 * Anthropic's "prompt is too long" or "input length and `max_tokens` exceed context limit".
 */
const contextWindowTypes = new Set(['context_length_exceeded', 'model_context_window_exceeded']);
const contextWindowMessage =
  /context length|context window|context limit|prompt is too long|input is too long|maximum context|too many tokens|exceeds the maximum number of tokens/i;

/** Error types that mean the gateway's own credentials were refused, whatever the status (Gemini answers 400). */
const authFailureTypes = new Set(['API_KEY_INVALID', 'UnrecognizedClientException', 'InvalidSignatureException']);

/** Whether an upstream answer says the input does not fit the model's context window. */
export function isContextWindowFailure(
  status: number | undefined,
  type: string | undefined,
  message: string | undefined,
): boolean {
  if (status !== 400 && status !== 413) return false;
  return (
    (type !== undefined && contextWindowTypes.has(type)) ||
    (message !== undefined && contextWindowMessage.test(message))
  );
}

function classify(options: UpstreamErrorOptions): { code: ErrorCode; status: number | undefined } {
  switch (options.failure) {
    case 'timeout':
      return { code: 'upstream_timeout', status: undefined };
    case 'unreachable':
      return { code: 'upstream_unreachable', status: undefined };
    case 'interrupted':
      return { code: 'upstream_stream_interrupted', status: undefined };
    case 'invalid-response':
      return { code: 'upstream_error', status: undefined };
    case undefined:
      break;
  }
  const status = options.upstreamStatus ?? 502;
  if (status === 401 || status === 402 || status === 403 || authFailureTypes.has(options.upstreamType ?? ''))
    return { code: 'upstream_auth_failed', status: undefined };
  if (status === 408) return { code: 'upstream_timeout', status: undefined };
  if (status === 429) return { code: 'upstream_rate_limited', status: undefined };
  if (isContextWindowFailure(status, options.upstreamType, options.upstreamMessage)) {
    return { code: 'context_window_exceeded', status: undefined };
  }
  if (passedThroughStatuses.has(status)) return { code: 'upstream_invalid_request', status };
  return { code: 'upstream_error', status: undefined };
}

function describe(options: UpstreamErrorOptions, code: ErrorCode): string {
  const { provider, upstreamStatus, upstreamMessage } = options;
  switch (code) {
    case 'upstream_auth_failed':
      return `The ${provider} upstream rejected the gateway's credentials (HTTP ${upstreamStatus}). Check the provider's API key.`;
    case 'upstream_timeout':
      return `The ${provider} upstream did not answer in time.`;
    case 'upstream_unreachable':
      return `The ${provider} upstream could not be reached.`;
    case 'upstream_stream_interrupted':
      return `The ${provider} upstream stream was interrupted: it broke off before it finished${upstreamMessage ? ` (${upstreamMessage}).` : '.'}`;
    case 'upstream_rate_limited':
      return `The ${provider} upstream is rate limiting requests${upstreamMessage ? `: ${upstreamMessage}` : '.'}`;
    case 'upstream_invalid_request':
    case 'context_window_exceeded':
      return upstreamMessage ?? `The ${provider} upstream rejected the request (HTTP ${upstreamStatus}).`;
    default:
      if (options.failure === 'invalid-response') {
        return `The ${provider} upstream sent a response the gateway could not read${upstreamMessage ? `: ${upstreamMessage}` : '.'}`;
      }
      return `The ${provider} upstream failed (HTTP ${upstreamStatus ?? 'error'})${upstreamMessage ? `: ${upstreamMessage}` : '.'}`;
  }
}

function isRetryableFailure(options: UpstreamErrorOptions): boolean {
  if (options.failure === 'timeout' || options.failure === 'unreachable') return true;
  if (options.failure !== undefined) return false;
  const status = options.upstreamStatus;
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A stream that stopped before it finished: the upstream's body ended, or its connection broke. */
export function streamInterrupted(provider: string, message: string): UpstreamError {
  return new UpstreamError({ provider, upstreamStatus: undefined, upstreamMessage: message, failure: 'interrupted' });
}

/** A 2xx answer the gateway cannot read (not JSON, not the format's shape): a 502 saying what was wrong. */
export function invalidResponse(provider: string, detail: string): UpstreamError {
  return new UpstreamError({
    provider,
    upstreamStatus: undefined,
    upstreamMessage: detail,
    failure: 'invalid-response',
  });
}
