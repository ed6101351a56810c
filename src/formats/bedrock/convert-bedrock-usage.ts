import type { Usage } from '../internal/usage.ts';
import type { BedrockUsage } from './bedrock-converse-api.ts';

/** Converse usage → canonical. Bedrock reports no reasoning tokens apart. */
export function convertBedrockUsage(usage: BedrockUsage | undefined): Usage {
  return {
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cacheReadTokens: usage?.cacheReadInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteInputTokens ?? 0,
    reasoningTokens: 0,
  };
}
