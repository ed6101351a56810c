import type { UpstreamErrorDetails } from '../shared/send-upstream-request.ts';

/** Reads `{"error": {"code", "message", "status", "details": [{"reason"}]}}`. */
export function extractGeminiError(body: unknown): UpstreamErrorDetails {
  if (typeof body !== 'object' || body === null) return { message: undefined, type: undefined };
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return { message: undefined, type: undefined };
  const { message, status, details } = error as { message?: unknown; status?: unknown; details?: unknown };
  // A refused key is a 400 with the reason API_KEY_INVALID in its ErrorInfo detail.
  const reason = Array.isArray(details)
    ? details.map((detail: { reason?: unknown }) => detail?.reason).find((item) => typeof item === 'string')
    : undefined;
  return {
    message: typeof message === 'string' ? message : undefined,
    type: typeof reason === 'string' ? reason : typeof status === 'string' ? status : undefined,
  };
}
