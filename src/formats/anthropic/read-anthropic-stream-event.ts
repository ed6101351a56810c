import { invalidResponse, UpstreamError } from '../../errors/upstream-error.ts';
import { isObject, type JsonObject } from '../shared/json-reader.ts';

/**
 * What one event of an Anthropic Messages stream says, read by a real JSON parse of its data:
 * its `type` (the `event:` line's name is only a copy of it), the usage counts it reports
 * (`message_start`'s message usage, `message_delta`'s cumulative usage), the stop reason, the
 * characters of output it carries (text, thinking, tool input), and an `error` event's details.
 * Unknown event types are read as events (the API may add some); data that is not a JSON object with
 * a `type` is `invalid`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export type AnthropicStreamEvent =
  | { kind: 'invalid' }
  | {
      kind: 'event';
      type: string;
      /** The usage fields reported (numbers, and one level of nested numbers), to be merged into those known. */
      usage: AnthropicUsageFields | undefined;
      stopReason: string | undefined;
      outputChars: number;
      error: { type: string | undefined; message: string | undefined } | undefined;
    };

/** Usage as reported: `cache_creation` (the writes split by TTL) and `output_tokens_details` are nested. */
export type AnthropicUsageFields = Record<string, number | Record<string, number>>;

const invalid: AnthropicStreamEvent = { kind: 'invalid' };

/**
 * Reads one Anthropic stream event's data: the relay of a passthrough stream reads every event this
 * way, and the translating decoder (`AnthropicStreamDecoder`) through the same two steps below.
 */
export function readAnthropicStreamEvent(data: string): AnthropicStreamEvent {
  const value = parseAnthropicStreamData(data);
  return value === undefined ? invalid : readAnthropicStreamValue(value);
}

/** The data of one event as a JSON object with a string `type`, or undefined for anything else. */
export function parseAnthropicStreamData(data: string): (JsonObject & { type: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  return isTypedEvent(value) ? value : undefined;
}

function isTypedEvent(value: unknown): value is JsonObject & { type: string } {
  return isObject(value) && typeof value['type'] === 'string';
}

/** What a parsed event says for metering: usage, stop reason, output characters, an error's details. */
export function readAnthropicStreamValue(
  value: JsonObject & { type: string },
): Extract<AnthropicStreamEvent, { kind: 'event' }> {
  const { type } = value;
  let usage: AnthropicUsageFields | undefined;
  let stopReason: string | undefined;
  let outputChars = 0;
  let error: { type: string | undefined; message: string | undefined } | undefined;
  switch (type) {
    case 'message_start': {
      const message = value['message'];
      if (isObject(message) && isObject(message['usage'])) usage = readAnthropicUsageFields(message['usage']);
      break;
    }
    case 'message_delta': {
      if (isObject(value['usage'])) usage = readAnthropicUsageFields(value['usage']);
      const delta = value['delta'];
      if (isObject(delta) && typeof delta['stop_reason'] === 'string') stopReason = delta['stop_reason'];
      break;
    }
    case 'content_block_start': {
      const block = value['content_block'];
      if (isObject(block)) outputChars = textLength(block['text']) + textLength(block['name']);
      break;
    }
    case 'content_block_delta': {
      const delta = value['delta'];
      if (isObject(delta))
        outputChars = textLength(delta['text']) + textLength(delta['partial_json']) + textLength(delta['thinking']);
      break;
    }
    case 'error': {
      const details = value['error'];
      error = {
        type: isObject(details) && typeof details['type'] === 'string' ? details['type'] : undefined,
        message: isObject(details) && typeof details['message'] === 'string' ? details['message'] : undefined,
      };
      break;
    }
  }
  return { kind: 'event', type, usage, stopReason, outputChars, error };
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** The usage's numbers, and one level of nested numbers (`cache_creation`'s split of the writes by TTL). */
export function readAnthropicUsageFields(value: JsonObject): AnthropicUsageFields {
  const result: AnthropicUsageFields = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'number') result[key] = item;
    else if (isObject(item)) result[key] = numbersOf(item);
  }
  return result;
}

function numbersOf(value: JsonObject): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'number') result[key] = item;
  return result;
}

/** The failure an `error` event reports, whichever path reads it (`overloaded_error` is Anthropic's 529). */
export function anthropicStreamError(
  provider: string,
  error: { type: string | undefined; message: string | undefined },
): UpstreamError {
  return new UpstreamError({
    provider,
    upstreamStatus: error.type === 'overloaded_error' ? 529 : 500,
    upstreamMessage: error.message ?? 'error event in stream',
    upstreamType: error.type,
  });
}

/** A stream event whose data is not a JSON event: no SDK could read it either. */
export function unreadableAnthropicStreamEvent(provider: string): UpstreamError {
  return invalidResponse(provider, 'a stream event was not a JSON event');
}
