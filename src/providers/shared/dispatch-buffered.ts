import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { AnswerInterrupted, DeadlineExceeded } from './abort-reasons.ts';
import { postOptions, type UpstreamCall } from './upstream-call.ts';

export interface BufferedAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface BufferedCall extends UpstreamCall {
  /** The whole call, send to last byte. */
  totalTimeoutMs: number;
  /** Bodies larger than this end the call with `BodyTooLarge`. */
  maxBytes: number;
}

/** Raised when an upstream body passes the size bound. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/**
 * One upstream call through undici's `dispatch`, collecting the answer into a Buffer: no stream
 * objects, no async iterators — measurably faster than `request()` on the hot path. Resolves with any
 * status (the caller decides what is an error); rejects on network faults, the abort signal (with its
 * reason), the total deadline (`DeadlineExceeded`) or a body over the bound.
 */
export function dispatchBuffered(dispatcher: Dispatcher, call: BufferedCall): Promise<BufferedAnswer> {
  return new Promise((resolve, reject) => {
    if (call.signal.aborted) {
      reject(call.signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const abort = (reason: Error): void => {
      if (controller !== undefined && !controller.aborted) controller.abort(reason);
      else finish(reason);
    };
    const onAbort = (): void => abort(call.signal.reason);
    const timer = setTimeout(
      () => abort(new DeadlineExceeded(`deadline of ${call.totalTimeoutMs} ms passed`)),
      call.totalTimeoutMs,
    );
    call.signal.addEventListener('abort', onAbort, { once: true });
    function finish(error: Error | undefined): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else
        resolve({
          statusCode,
          headers,
          body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size),
        });
    }
    dispatcher.dispatch(postOptions(call, call.totalTimeoutMs), {
      onRequestStart(start) {
        controller = start;
        // Aborted or past its deadline while it waited for a connection: it is not sent.
        if (settled) start.abort(call.signal.reason ?? new DeadlineExceeded('deadline passed before sending'));
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(data, chunk) {
        size += chunk.length;
        if (size > call.maxBytes) data.abort(new BodyTooLarge(`response body larger than ${call.maxBytes} bytes`));
        else chunks.push(chunk);
      },
      onResponseEnd() {
        finish(undefined);
      },
      onResponseError(_controller, error) {
        const broke =
          statusCode !== 0 &&
          error !== call.signal.reason &&
          !(error instanceof DeadlineExceeded) &&
          !(error instanceof BodyTooLarge) &&
          !('code' in error && error.code === 'UND_ERR_BODY_TIMEOUT');
        finish(broke ? new AnswerInterrupted(error.message, { cause: error }) : error);
      },
    });
  });
}
