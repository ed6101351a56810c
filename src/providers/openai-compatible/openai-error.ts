import { OpenAIErrorBodySchema } from '../../formats/openai/openai-chat-api.ts';
import { compileChecker } from '../../formats/shared/json-checker.ts';
import type { UpstreamErrorDetails } from '../shared/send-upstream-request.ts';

const errorBody = compileChecker(OpenAIErrorBodySchema);

/** Reads `{"error": {"message", "type", "code"}}`, and the bare `{"error": "…"}` some compatible APIs send. */
export function extractOpenAIError(body: unknown): UpstreamErrorDetails {
  if (!errorBody.check(body)) return { message: undefined, type: undefined };
  const { error } = body;
  if (typeof error === 'string') return { message: error, type: undefined };
  const code = error.code == null ? undefined : String(error.code);
  return { message: error.message ?? undefined, type: code ?? error.type ?? undefined };
}
