import type { Usage } from '../internal/usage.ts';
import type { AnthropicUsage } from './anthropic-messages-api.ts';

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` leaves out cache reads and writes; the
 * canonical `inputTokens` counts the whole prompt, so they are added back.
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const converted: Usage = {
    inputTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
  };
  const oneHour = usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  if (oneHour > 0) converted.cacheWrite1hTokens = Math.min(oneHour, cacheWrite);
  return converted;
}
