import type { FinishReason } from '../internal/finish-reason.ts';
import type { Usage } from '../internal/usage.ts';
import { isObject } from '../shared/json-reader.ts';

/**
 * Responses `usage` → canonical, from an untrusted value (an upstream body or event); undefined when it
 * is not usage. `input_tokens` already counts cached tokens, as the canonical form does.
 */
export function readResponsesUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const input = value['input_tokens'];
  const output = value['output_tokens'];
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: numberIn(value['input_tokens_details'], 'cached_tokens'),
    cacheWriteTokens: 0,
    reasoningTokens: numberIn(value['output_tokens_details'], 'reasoning_tokens'),
  };
}

function numberIn(value: unknown, field: string): number {
  const number = isObject(value) ? value[field] : undefined;
  return typeof number === 'number' ? number : 0;
}

/**
 * The unified finish reason of a response object: `incomplete` by its reason; `completed` with a tool
 * call in its output is `tool-calls`.
 */
export function mapResponsesFinishReason(response: Record<string, unknown>): FinishReason {
  if (response['status'] === 'incomplete') {
    const details = response['incomplete_details'];
    return isObject(details) && details['reason'] === 'content_filter' ? 'content-filter' : 'length';
  }
  if (response['status'] === 'failed') return 'other';
  const output = Array.isArray(response['output']) ? response['output'] : [];
  const called = output.some(
    (item) => isObject(item) && (item['type'] === 'function_call' || item['type'] === 'custom_tool_call'),
  );
  return called ? 'tool-calls' : 'stop';
}
