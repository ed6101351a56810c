import type { EventSourceMessage } from 'eventsource-parser';
import { AnthropicStreamDecoder } from '../../formats/anthropic/anthropic-stream-decoder.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';

/** Runs SSE events through an `AnthropicStreamDecoder`, turning read failures into an `error` part. */
export function decodeAnthropicStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { provider: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  const decoder = new AnthropicStreamDecoder(options.provider);
  return driveStreamDecoder(events, decoder, (event) => decoder.push(event.data), options);
}
