import { compileChecker } from '../shared/json-checker.ts';
import { OpenAIErrorBodySchema } from './openai-chat-api.ts';

const errorBody = compileChecker(OpenAIErrorBodySchema);

/** What an OpenAI-format error body says: its message, and its `code` (else `type`). */
export interface OpenAIErrorDetails {
  message: string | undefined;
  type: string | undefined;
}

/** Reads `{"error": {"message", "type", "code"}}`, and the bare `{"error": "…"}` some compatible APIs send. */
export function extractOpenAIError(body: unknown): OpenAIErrorDetails {
  if (!errorBody.check(body)) return { message: undefined, type: undefined };
  const { error } = body;
  if (typeof error === 'string') return { message: error, type: undefined };
  const code = error.code == null ? undefined : String(error.code);
  return { message: error.message ?? undefined, type: code ?? error.type ?? undefined };
}
