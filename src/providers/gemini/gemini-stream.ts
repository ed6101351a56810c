import type { EventSourceMessage } from 'eventsource-parser';
import { GeminiStreamDecoder } from '../../formats/gemini/gemini-stream-decoder.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';

/** Decodes a Gemini upstream's `alt=sse` events into canonical stream parts. */
export function decodeGeminiStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { provider: string; model: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  const decoder = new GeminiStreamDecoder(options.provider, options.model);
  return driveStreamDecoder(events, decoder, (event) => decoder.push(event.data), options);
}
