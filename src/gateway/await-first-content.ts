import type { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamError } from '../errors/upstream-error.ts';
import { DeadlineExceeded } from '../providers/shared/abort-reasons.ts';
import { toStreamReadFailure } from '../providers/shared/send-upstream-request.ts';

export interface FirstContentGate<T> {
  /** Items that precede content (`message_start`, a role-only chunk, `ping`): buffered, not a commitment. */
  isPreamble(item: T): boolean;
  /** The failure an item reports, if it is one. */
  errorOf(item: T): GatewayError | undefined;
}

/**
 * Holds a stream back until its first content arrives, so that what goes wrong before it is a thrown
 * error while nothing has reached the caller yet. Where retrying stops:
 * - before the upstream's 200 body has produced any event (a reset, silence past the first-byte
 *   timeout) the failure is retryable, as a failed connection is;
 * - an error event before the first content (an overload right after `message_start`) is the
 *   upstream declining the call: retryable by its status, as an HTTP error would be;
 * - but a stream that breaks off or falls silent *after* its 200 body has begun (`message_start`,
 *   a role chunk) is never retried: the upstream took the call and may bill it, so another attempt
 *   could bill it twice. It is `upstream_stream_interrupted` (or a timeout), not retryable.
 * Resolves to the whole stream, buffered items first; `onEnd` runs when that stream ends, however it ends.
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
        // The upstream answered 200: a break now is an interrupted stream, not an unreachable upstream.
        const failure = toStreamReadFailure(error, options.provider, options.signal);
        throw buffered.length === 0 ? retryableBeforeContent(failure) : notRetryable(failure);
      }
      if (result.done === true) break;
      const failure = options.gate.errorOf(result.value);
      if (failure !== undefined) {
        await iterator.return?.();
        throw buffered.length === 0 ? retryableBeforeContent(failure) : notRetryable(failure);
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

/**
 * A break or a silence after the upstream's 200 body had begun is not tried again; an error the
 * upstream reported itself keeps the judgement of its status.
 */
function notRetryable(error: GatewayError): GatewayError {
  if (!(error instanceof UpstreamError) || !error.isRetryable) return error;
  if (error.code !== 'upstream_stream_interrupted' && error.code !== 'upstream_timeout') return error;
  return new UpstreamError({
    provider: error.provider,
    upstreamStatus: undefined,
    upstreamMessage: error.upstreamMessage,
    failure: error.code === 'upstream_timeout' ? 'timeout' : 'interrupted',
    retryable: false,
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
