import type { Usage } from '../internal/usage.ts';
import type { GeminiUsageMetadata } from './gemini-api.ts';

/** `candidatesTokenCount` excludes thinking; output here includes it, as OpenAI's does. */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: usage?.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}
