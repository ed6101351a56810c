import { isObject } from '../shared/json-reader.ts';

/** What a Google error body says: its message, and its `ErrorInfo` reason (else its `status`). */
export interface GeminiErrorDetails {
  message: string | undefined;
  type: string | undefined;
}

/**
 * Reads `{"error": {"code", "message", "status", "details": [{"reason"}]}}`.
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
export function extractGeminiError(body: unknown): GeminiErrorDetails {
  const error = isObject(body) ? body['error'] : undefined;
  if (!isObject(error)) return { message: undefined, type: undefined };
  const { message, status, details } = error;
  // A refused key is a 400 with the reason API_KEY_INVALID in its ErrorInfo detail.
  let reason: string | undefined;
  if (Array.isArray(details)) {
    for (const detail of details) {
      if (isObject(detail) && typeof detail['reason'] === 'string') {
        reason = detail['reason'];
        break;
      }
    }
  }
  return {
    message: typeof message === 'string' ? message : undefined,
    type: reason ?? (typeof status === 'string' ? status : undefined),
  };
}
