import type { GatewayError } from '../../errors/gateway-error.ts';

/**
 * The `google.rpc.Code` name Google APIs put beside an HTTP status.
 * @see https://cloud.google.com/apis/design/errors#handling_errors
 */
function googleErrorStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 402:
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

/** `{"error": {"code", "message", "status"}}`, as the Gemini API and `@google/genai` read errors. */
export function renderGoogleError(error: GatewayError): { error: { code: number; message: string; status: string } } {
  return { error: { code: error.status, message: error.message, status: googleErrorStatus(error.status) } };
}
