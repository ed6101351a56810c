import type { Usage } from '../internal/usage.ts';
import type { GeminiUsageMetadata } from './gemini-api.ts';

/**
 * Canonical usage → `usageMetadata`: `candidatesTokenCount` without the thinking tokens, which Gemini
 * counts apart in `thoughtsTokenCount`; cached input in `cachedContentTokenCount`.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function encodeGeminiUsage(usage: Usage): GeminiUsageMetadata & { totalTokenCount: number } {
  const candidates = Math.max(0, usage.outputTokens - usage.reasoningTokens);
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 ? { cachedContentTokenCount: usage.cacheReadTokens } : {}),
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
  };
}
