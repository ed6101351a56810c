import { AnthropicErrorBodySchema } from '../../formats/anthropic/anthropic-messages-api.ts';
import { compileChecker } from '../../formats/shared/json-checker.ts';
import type { UpstreamErrorDetails } from '../shared/send-upstream-request.ts';

const errorBody = compileChecker(AnthropicErrorBodySchema);

/** Reads `{"type": "error", "error": {"type", "message"}}`. */
export function extractAnthropicError(body: unknown): UpstreamErrorDetails {
  if (!errorBody.check(body)) return { message: undefined, type: undefined };
  return { message: body.error.message ?? undefined, type: body.error.type ?? undefined };
}
