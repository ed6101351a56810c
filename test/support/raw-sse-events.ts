/**
 * Raw SSE events as OpenAI and Anthropic write them, for mock upstreams scripted event by event
 * (`enqueue({ sse: [...] })`) — to break a stream off, or to slip garbage between good events.
 */

/** OpenAI's first chunk: the assistant role and no text yet. */
export const openAIRoleChunk =
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';

/** An OpenAI chunk carrying `text`. */
export function openAIContentChunk(text: string): string {
  return `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;
}

/** Anthropic's `message_start`, reporting `inputTokens`. */
export function anthropicMessageStart(inputTokens: number): string {
  return `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":${inputTokens},"output_tokens":1}}}\n\n`;
}

/** An Anthropic text block opened at index 0 and one delta of `text` (not closed). */
export function anthropicTextBlock(text: string): string {
  return (
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${text}"}}\n\n`
  );
}
