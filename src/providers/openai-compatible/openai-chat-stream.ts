import type { EventSourceMessage } from 'eventsource-parser';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { OpenAIChatStreamDecoder } from '../../formats/openai/openai-chat-stream-decoder.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';

/** Runs SSE events through an `OpenAIChatStreamDecoder`, turning read failures into an `error` part. */
export function decodeOpenAIChatStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { provider: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  const decoder = new OpenAIChatStreamDecoder(options.provider);
  return driveStreamDecoder(events, decoder, (event) => decoder.push(event.data), options);
}
