import type { Usage } from '../internal/usage.ts';
import type { ResponsesUsage } from './responses-types.ts';

/** Canonical usage → Responses usage (`input_tokens` counts cached tokens, OpenAI's meaning). */
export function encodeResponsesUsage(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
