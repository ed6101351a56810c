import type { UpstreamErrorDetails } from '../shared/send-upstream-request.ts';

/** Reads `{"error": {"code", "message", "status"}}`. */
export function extractGeminiError(body: unknown): UpstreamErrorDetails {
  if (typeof body !== 'object' || body === null) return { message: undefined, type: undefined };
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return { message: undefined, type: undefined };
  const { message, status } = error as { message?: unknown; status?: unknown };
  return {
    message: typeof message === 'string' ? message : undefined,
    type: typeof status === 'string' ? status : undefined,
  };
}
