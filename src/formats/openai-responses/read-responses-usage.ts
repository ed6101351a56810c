import type { FinishReason } from '../internal/finish-reason.ts';
import type { Usage } from '../internal/usage.ts';

/**
 * Responses `usage` → canonical, from an untrusted value (an upstream body or event); undefined when it
 * is not usage. `input_tokens` already counts cached tokens, as the canonical form does.
 */
export function readResponsesUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = value as Record<string, unknown>;
  const input = usage['input_tokens'];
  const output = usage['output_tokens'];
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: numberIn(usage['input_tokens_details'], 'cached_tokens'),
    cacheWriteTokens: 0,
    reasoningTokens: numberIn(usage['output_tokens_details'], 'reasoning_tokens'),
  };
}

function numberIn(value: unknown, field: string): number {
  if (typeof value !== 'object' || value === null) return 0;
  const number = (value as Record<string, unknown>)[field];
  return typeof number === 'number' ? number : 0;
}

/**
 * The unified finish reason of a response object: `incomplete` by its reason; `completed` with a tool
 * call in its output is `tool-calls`.
 */
export function mapResponsesFinishReason(response: {
  status?: unknown;
  incomplete_details?: unknown;
  output?: unknown;
}): FinishReason {
  if (response.status === 'incomplete') {
    const details = response.incomplete_details;
    const reason =
      typeof details === 'object' && details !== null ? (details as { reason?: unknown }).reason : undefined;
    return reason === 'content_filter' ? 'content-filter' : 'length';
  }
  if (response.status === 'failed') return 'other';
  const output = Array.isArray(response.output) ? response.output : [];
  const called = output.some(
    (item: unknown) =>
      typeof item === 'object' &&
      item !== null &&
      ((item as { type?: unknown }).type === 'function_call' ||
        (item as { type?: unknown }).type === 'custom_tool_call'),
  );
  return called ? 'tool-calls' : 'stop';
}
