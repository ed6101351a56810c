import type { Usage } from '../internal/usage.ts';

/** Canonical usage → Anthropic `usage`: `input_tokens` leaves the cached parts out, as Anthropic counts. */
export function encodeAnthropicUsage(usage: Usage) {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
}
