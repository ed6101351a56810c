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
      /** The numeric usage fields reported, to be merged into those already known. */
      usage: Record<string, number> | undefined;
      stopReason: string | undefined;
      outputChars: number;
      error: { type: string | undefined; message: string | undefined } | undefined;
    };

const invalid: AnthropicStreamEvent = { kind: 'invalid' };

/** Reads one Anthropic stream event's data. */
export function readAnthropicStreamEvent(data: string): AnthropicStreamEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return invalid;
  }
  if (!isRecord(value) || typeof value['type'] !== 'string') return invalid;
  const type = value['type'];
  let usage: Record<string, number> | undefined;
  let stopReason: string | undefined;
  let outputChars = 0;
  let error: { type: string | undefined; message: string | undefined } | undefined;
  switch (type) {
    case 'message_start': {
      const message = value['message'];
      if (isRecord(message) && isRecord(message['usage'])) usage = numericFields(message['usage']);
      break;
    }
    case 'message_delta': {
      if (isRecord(value['usage'])) usage = numericFields(value['usage']);
      const delta = value['delta'];
      if (isRecord(delta) && typeof delta['stop_reason'] === 'string') stopReason = delta['stop_reason'];
      break;
    }
    case 'content_block_start': {
      const block = value['content_block'];
      if (isRecord(block)) outputChars = textLength(block['text']) + textLength(block['name']);
      break;
    }
    case 'content_block_delta': {
      const delta = value['delta'];
      if (isRecord(delta))
        outputChars = textLength(delta['text']) + textLength(delta['partial_json']) + textLength(delta['thinking']);
      break;
    }
    case 'error': {
      const details = value['error'];
      error = {
        type: isRecord(details) && typeof details['type'] === 'string' ? details['type'] : undefined,
        message: isRecord(details) && typeof details['message'] === 'string' ? details['message'] : undefined,
      };
      break;
    }
  }
  return { kind: 'event', type, usage, stopReason, outputChars, error };
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

function numericFields(value: Record<string, unknown>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'number') result[key] = item;
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
