import { invalidResponse, UpstreamError } from '../../errors/upstream-error.ts';
import type { Usage } from '../internal/usage.ts';
import { isObject, type JsonObject } from '../shared/json-reader.ts';
import { readOpenAIUsage } from './convert-openai-usage.ts';
import { extractOpenAIError } from './openai-error.ts';

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

/**
 * Reads one OpenAI stream event's data: the relay of a passthrough stream reads every event this way,
 * and the translating decoder (`OpenAIChatStreamDecoder`) through the same two steps below.
 */
export function readOpenAIStreamEvent(data: string): OpenAIStreamEvent {
  const value = parseOpenAIStreamData(data);
  if (value === '[DONE]') return done;
  if (value === undefined) return invalid;
  return readOpenAIStreamChunk(value);
}

/** The data of one event: the `[DONE]` sentinel, a JSON object, or undefined for anything else. */
export function parseOpenAIStreamData(data: string): JsonObject | '[DONE]' | undefined {
  if (data === '[DONE]') return data;
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a parsed chunk says for metering: an `error` chunk, or its usage, the first finish reason in it
 * and the output characters it carries.
 */
export function readOpenAIStreamChunk(value: JsonObject): Extract<OpenAIStreamEvent, { kind: 'error' | 'chunk' }> {
  const error = value['error'];
  if (error !== undefined && error !== null) return { kind: 'error', error };
  const choices = value['choices'];
  let finishReason: string | undefined;
  let outputChars = 0;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      if (typeof choice['finish_reason'] === 'string') finishReason ??= choice['finish_reason'];
      const delta = choice['delta'];
      if (isObject(delta)) outputChars += deltaChars(delta);
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

/** The failure an `{"error": …}` chunk reports, whichever path reads it. */
export function openAIStreamError(provider: string, error: unknown): UpstreamError {
  const details = extractOpenAIError({ error });
  return new UpstreamError({
    provider,
    upstreamStatus: 500,
    upstreamMessage: details.message ?? 'error event in stream',
    upstreamType: details.type,
  });
}

/** A stream event whose data is not a JSON object: no SDK could read it either. */
export function unreadableOpenAIStreamEvent(provider: string): UpstreamError {
  return invalidResponse(provider, 'a stream event was not JSON');
}

function deltaChars(delta: JsonObject): number {
  let chars = 0;
  for (const field of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
    const text = delta[field];
    if (typeof text === 'string') chars += text.length;
  }
  const toolCalls = delta['tool_calls'];
  if (Array.isArray(toolCalls)) {
    for (const call of toolCalls) {
      const fn = isObject(call) ? call['function'] : undefined;
      if (!isObject(fn)) continue;
      if (typeof fn['name'] === 'string') chars += fn['name'].length;
      if (typeof fn['arguments'] === 'string') chars += fn['arguments'].length;
    }
  }
  return chars;
}
