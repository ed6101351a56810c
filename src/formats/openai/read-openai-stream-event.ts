import type { Usage } from '../internal/usage.ts';
import { readOpenAIUsage } from './convert-openai-usage.ts';

/**
 * What one `data:` line of an OpenAI Chat Completions stream says, read by a real JSON parse (never by
 * substring tests, which miss JSON written with spaces, as Python's `json.dumps` writes it):
 * - `done`: the `[DONE]` sentinel;
 * - `invalid`: not a JSON object — a stream the caller's SDK could not read either;
 * - `error`: an `{"error": …}` chunk;
 * - `chunk`: a completion chunk, with its usage, finish reason, output characters, and whether it is
 *   the trailing usage-only chunk (`choices: []`) that `stream_options.include_usage` asks for.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export type OpenAIStreamEvent =
  | { kind: 'done' }
  | { kind: 'invalid' }
  | { kind: 'error'; error: unknown }
  | {
      kind: 'chunk';
      usage: Usage | undefined;
      finishReason: string | undefined;
      /** Characters of content, reasoning and tool-call text in the chunk: the basis of an output estimate. */
      outputChars: number;
      usageOnly: boolean;
    };

const done: OpenAIStreamEvent = { kind: 'done' };
const invalid: OpenAIStreamEvent = { kind: 'invalid' };

/** Reads one OpenAI stream event's data. */
export function readOpenAIStreamEvent(data: string): OpenAIStreamEvent {
  if (data === '[DONE]') return done;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return invalid;
  }
  if (!isRecord(value)) return invalid;
  const error = value['error'];
  if (error !== undefined && error !== null) return { kind: 'error', error };
  const choices = value['choices'];
  let finishReason: string | undefined;
  let outputChars = 0;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (!isRecord(choice)) continue;
      if (typeof choice['finish_reason'] === 'string') finishReason ??= choice['finish_reason'];
      const delta = choice['delta'];
      if (isRecord(delta)) outputChars += deltaChars(delta);
    }
  }
  const usage = readOpenAIUsage(value['usage']);
  return {
    kind: 'chunk',
    usage,
    finishReason,
    outputChars,
    usageOnly: usage !== undefined && Array.isArray(choices) && choices.length === 0,
  };
}

function deltaChars(delta: Record<string, unknown>): number {
  let chars = 0;
  for (const field of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
    const text = delta[field];
    if (typeof text === 'string') chars += text.length;
  }
  const toolCalls = delta['tool_calls'];
  if (Array.isArray(toolCalls)) {
    for (const call of toolCalls) {
      const fn = isRecord(call) ? call['function'] : undefined;
      if (!isRecord(fn)) continue;
      if (typeof fn['name'] === 'string') chars += fn['name'].length;
      if (typeof fn['arguments'] === 'string') chars += fn['arguments'].length;
    }
  }
  return chars;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
