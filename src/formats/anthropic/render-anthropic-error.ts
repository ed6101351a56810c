import type { GatewayError } from '../../errors/gateway-error.ts';

/**
 * Anthropic's error `type` for a status; the SDK picks its error class from the status.
 * @see https://docs.anthropic.com/en/api/errors
 */
function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** `{"type": "error", "error": {"type", "message"}, "request_id"}`. */
export function renderAnthropicError(
  error: GatewayError,
  requestId: string,
): { type: 'error'; error: { type: string; message: string }; request_id: string } {
  return {
    type: 'error',
    error: { type: anthropicErrorType(error.status), message: error.message },
    request_id: requestId,
  };
}
