import type { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamError } from '../errors/upstream-error.ts';
import { DeadlineExceeded } from '../providers/shared/abort-reasons.ts';
import { toUpstreamFailure } from '../providers/shared/send-upstream-request.ts';

export interface FirstContentGate<T> {
  /** Items that precede content (`message_start`, a role-only chunk, `ping`): buffered, not a commitment. */
  isPreamble(item: T): boolean;
  /** The failure an item reports, if it is one. */
  errorOf(item: T): GatewayError | undefined;
}

/**
 * Holds a stream back until its first content arrives, so that everything that can go wrong before it
 * — a reset, an error event right after `message_start`, silence past the first-byte timeout — is a
 * thrown, retryable error while nothing has reached the caller yet. Resolves to the whole stream,
 * buffered items first; `onEnd` runs when that stream ends, however it ends.
 */
export async function awaitFirstContent<T>(
  items: AsyncIterable<T>,
  options: {
    gate: FirstContentGate<T>;
    provider: string;
    timeoutMs: number;
    /** Aborts the attempt's upstream request. */
    abort: (reason: Error) => void;
    signal: AbortSignal;
    onEnd: () => void;
  },
): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const buffered: T[] = [];
  const timer = setTimeout(
    () => options.abort(new DeadlineExceeded('no content within the first-byte timeout')),
    options.timeoutMs,
  );
  try {
    for (;;) {
      let result: IteratorResult<T>;
      try {
        result = await iterator.next();
      } catch (error) {
        throw retryableBeforeContent(toUpstreamFailure(error, options.provider, options.signal));
      }
      if (result.done === true) break;
      const failure = options.gate.errorOf(result.value);
      if (failure !== undefined) {
        await iterator.return?.();
        throw retryableBeforeContent(failure);
      }
      buffered.push(result.value);
      if (!options.gate.isPreamble(result.value)) break;
    }
  } catch (error) {
    options.onEnd();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return replay(buffered, iterator, options.onEnd);
}

/** A stream that broke before any content is as good as a failed connection: worth another attempt. */
function retryableBeforeContent(error: GatewayError): GatewayError {
  if (!(error instanceof UpstreamError) || error.code !== 'upstream_stream_interrupted') return error;
  return new UpstreamError({
    provider: error.provider,
    upstreamStatus: undefined,
    upstreamMessage: error.upstreamMessage,
    failure: 'interrupted',
    retryable: true,
    cause: error,
  });
}

async function* replay<T>(buffered: T[], iterator: AsyncIterator<T>, onEnd: () => void): AsyncGenerator<T> {
  try {
    yield* buffered;
    for (;;) {
      const result = await iterator.next();
      if (result.done === true) return;
      yield result.value;
    }
  } finally {
    onEnd();
    await iterator.return?.();
  }
}
