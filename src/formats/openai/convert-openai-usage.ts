import { emptyUsage, type Usage } from '../internal/usage.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { type OpenAIUsage, OpenAIUsageSchema } from './openai-chat-api.ts';

const usageChecker = compileChecker(OpenAIUsageSchema);

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

/** Usage from an untrusted value (a passthrough body or chunk), or undefined when it is not usage. */
export function readOpenAIUsage(value: unknown): Usage | undefined {
  return value !== null && typeof value === 'object' && usageChecker.check(value)
    ? convertOpenAIUsage(value)
    : undefined;
}
