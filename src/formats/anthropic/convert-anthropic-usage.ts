import type { Usage } from '../internal/usage.ts';
import type { AnthropicUsage } from './anthropic-messages-api.ts';

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` leaves out cache reads and writes; the
 * canonical `inputTokens` counts the whole prompt, so they are added back.
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
  };
}
