import { BedrockStreamDecoder } from '../../formats/bedrock/bedrock-stream-decoder.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';

/** Whole event-stream messages out of arbitrary byte chunks: each starts with its total length. */
export async function* splitEventStreamMessages(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length < 16) throw new Error(`event-stream message of ${length} bytes`);
      if (buffer.length < length) break;
      yield buffer.subarray(0, length);
      buffer = buffer.subarray(length);
    }
  }
  if (buffer.length > 0) throw new Error('the event stream ended inside a message');
}

/** Runs a ConverseStream body through a `BedrockStreamDecoder`, turning read failures into an `error` part. */
export function decodeBedrockStream(
  body: AsyncIterable<Uint8Array>,
  options: { provider: string; model: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  const decoder = new BedrockStreamDecoder(options.provider, options.model);
  return driveStreamDecoder(splitEventStreamMessages(body), decoder, (message) => decoder.push(message), options);
}
