import type { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { toStreamReadFailure } from './send-upstream-request.ts';

/** A provider's stream decoder: it ends itself on a final event, or is ended or failed from outside. */
export interface StreamDecoder {
  readonly ended: boolean;
  /** The upstream closed the stream. */
  end(): StreamPart[];
  fail(error: GatewayError): StreamPart[];
}

/**
 * The loop every provider stream shares: each upstream item through `push` until the decoder has ended,
 * `end()` when the upstream closes, and a read failure (reset, idle timeout, the caller leaving) turned
 * into one error part, so that a broken stream never looks finished.
 */
export async function* driveStreamDecoder<Item>(
  items: AsyncIterable<Item>,
  decoder: StreamDecoder,
  push: (item: Item) => StreamPart[],
  options: { provider: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  try {
    for await (const item of items) {
      yield* push(item);
      if (decoder.ended) return;
    }
    yield* decoder.end();
  } catch (error) {
    yield* decoder.fail(toStreamReadFailure(error, options.provider, options.signal));
  }
}
