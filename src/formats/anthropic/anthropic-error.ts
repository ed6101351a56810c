import { compileChecker } from '../shared/json-checker.ts';
import { AnthropicErrorBodySchema } from './anthropic-messages-api.ts';

const errorBody = compileChecker(AnthropicErrorBodySchema);

/** What an Anthropic error body says: its message and error `type`. */
export interface AnthropicErrorDetails {
  message: string | undefined;
  type: string | undefined;
}

/** Reads `{"type": "error", "error": {"type", "message"}}`. */
export function extractAnthropicError(body: unknown): AnthropicErrorDetails {
  if (!errorBody.check(body)) return { message: undefined, type: undefined };
  return { message: body.error.message ?? undefined, type: body.error.type ?? undefined };
}
