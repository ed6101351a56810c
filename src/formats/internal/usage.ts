/**
 * Token usage of one model call, normalised across providers.
 *
 * `inputTokens` counts every prompt token, cached or not (OpenAI semantics); `cacheReadTokens` and
 * `cacheWriteTokens` are the parts of it read from or written to a prompt cache. Anthropic reports
 * `input_tokens` without the cached parts, so its adapter adds them back.
 * `outputTokens` includes reasoning tokens; `reasoningTokens` is the part of it spent thinking.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written for one hour (Anthropic's `ttl: "1h"`, billed at its own rate). */
  cacheWrite1hTokens?: number;
  reasoningTokens: number;
}

/** A usage record with every count at zero. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}
