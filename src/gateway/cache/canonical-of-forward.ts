import type { EventSourceMessage } from 'eventsource-parser';
import { AnthropicStreamDecoder } from '../../formats/anthropic/anthropic-stream-decoder.ts';
import { mapAnthropicResponse, parseAnthropicMessage } from '../../formats/anthropic/map-anthropic-response.ts';
import { GeminiStreamDecoder } from '../../formats/gemini/gemini-stream-decoder.ts';
import { mapGeminiResponse } from '../../formats/gemini/map-gemini-response.ts';
import { parseGeminiResponse } from '../../formats/gemini/parse-gemini-response.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import { mapOpenAIChatResponse, parseOpenAIChatResponse } from '../../formats/openai/map-openai-chat-response.ts';
import { OpenAIChatStreamDecoder } from '../../formats/openai/openai-chat-stream-decoder.ts';
import { ResponsesStreamDecoder } from '../../formats/openai-responses/decode-responses-stream.ts';
import { mapResponsesResponse } from '../../formats/openai-responses/map-responses-response.ts';
import { driveStreamDecoder } from '../../providers/shared/drive-stream-decoder.ts';
import { StreamPartCollector } from './collect-stream-parts.ts';

/**
 * The canonical form of a passthrough answer, for the response cache: what a provider of the caller's own
 * format would have decoded had the call been translated. Read with the same decoders the providers use,
 * after the answer has gone to the caller.
 */
export function canonicalOfBody(format: WireFormat, text: string, provider: string): ChatResponse {
  switch (format) {
    case 'openai-chat':
      return mapOpenAIChatResponse(parseOpenAIChatResponse(text, provider), provider);
    case 'anthropic-messages':
      return mapAnthropicResponse(parseAnthropicMessage(text, provider));
    case 'openai-responses':
      return mapResponsesResponse(text, provider);
    case 'gemini':
      // The model name is the route's to set when it encodes a hit.
      return mapGeminiResponse(parseGeminiResponse(text, provider), '');
  }
}

/** The whole answer of a relayed passthrough stream; undefined unless it finished well. */
export async function canonicalOfEvents(
  format: WireFormat,
  events: readonly EventSourceMessage[],
  provider: string,
): Promise<ChatResponse | undefined> {
  const options = { provider, signal: new AbortController().signal };
  const source = fromArray(events);
  let parts: AsyncIterable<StreamPart>;
  switch (format) {
    case 'openai-chat': {
      const decoder = new OpenAIChatStreamDecoder(provider);
      parts = driveStreamDecoder(source, decoder, (event) => decoder.push(event.data), options);
      break;
    }
    case 'anthropic-messages': {
      const decoder = new AnthropicStreamDecoder(provider);
      parts = driveStreamDecoder(source, decoder, (event) => decoder.push(event.data), options);
      break;
    }
    case 'openai-responses': {
      const decoder = new ResponsesStreamDecoder(provider);
      parts = driveStreamDecoder(source, decoder, (event) => decoder.push(event), options);
      break;
    }
    case 'gemini': {
      const decoder = new GeminiStreamDecoder(provider, '');
      parts = driveStreamDecoder(source, decoder, (event) => decoder.push(event.data), options);
      break;
    }
  }
  const collector = new StreamPartCollector();
  for await (const part of parts) collector.push(part);
  return collector.done;
}

async function* fromArray<Item>(items: readonly Item[]): AsyncGenerator<Item> {
  yield* items;
}
