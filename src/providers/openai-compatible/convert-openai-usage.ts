import { emptyUsage, type Usage } from '../../formats/internal/usage.ts';
import type { OpenAIUsage } from '../../formats/openai/openai-chat-api.ts';

/** OpenAI usage → canonical. `prompt_tokens` already includes cached tokens, as the canonical form does. */
export function convertOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  if (usage == null) return emptyUsage();
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
