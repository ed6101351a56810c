import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { postOptions, type UpstreamCall } from './upstream-call.ts';

/** An upstream body read chunk by chunk; `destroy` (or leaving a `for await` early) ends the call. */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  destroy(error?: Error): void;
}

export interface StreamingAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

export interface StreamingCall extends UpstreamCall {
  /** Bounds each silence between body chunks. */
  bodyTimeoutMs: number;
}

/** Chunks held for a consumer that is not reading before the upstream socket is paused. */
const pauseAfterChunks = 16;

/**
 * One upstream call through undici's `dispatch` whose body is read as it arrives: resolves when the
 * response head is in, with any status (the caller decides what is an error). The body is a small queue
 * fed by undici's callbacks — no Readable, no stream iterator — which pauses the socket while a
 * consumer is behind, so a slow caller pushes back on the upstream through TCP. Rejects, or fails the
 * body, on network faults, timeouts and the abort signal (with its reason).
 */
export function dispatchStreaming(dispatcher: Dispatcher, call: StreamingCall): Promise<StreamingAnswer> {
  return new Promise((resolve, reject) => {
    if (call.signal.aborted) {
      reject(call.signal.reason);
      return;
    }
    let body: QueuedBody | undefined;
    let controller: Dispatcher.DispatchController | undefined;
    const onAbort = (): void => {
      if (controller !== undefined && !controller.aborted) controller.abort(call.signal.reason);
      else finish(call.signal.reason);
    };
    call.signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    function finish(error: Error | undefined): void {
      if (finished) return;
      finished = true;
      call.signal.removeEventListener('abort', onAbort);
      if (body === undefined) reject(error ?? new Error('the upstream answer ended before its head'));
      else if (error === undefined) body.end();
      else body.fail(error);
    }
    dispatcher.dispatch(postOptions(call, call.bodyTimeoutMs), {
      onRequestStart(start) {
        controller = start;
        // Aborted while it waited for a connection: it is not sent.
        if (finished) start.abort(call.signal.reason);
      },
      onResponseStart(start, statusCode, headers) {
        body = new QueuedBody(start);
        resolve({ statusCode, headers, body });
      },
      onResponseData(_controller, chunk) {
        body?.push(chunk);
      },
      onResponseEnd() {
        finish(undefined);
      },
      onResponseError(_controller, error) {
        finish(error);
      },
    });
  });
}

/** The body's queue: chunks undici delivered that the consumer has not taken yet. */
class QueuedBody implements UpstreamBody {
  readonly #controller: Dispatcher.DispatchController;
  readonly #chunks: Buffer[] = [];
  #ended = false;
  #error: Error | undefined;
  #waiting: { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: Error) => void } | undefined;

  constructor(controller: Dispatcher.DispatchController) {
    this.#controller = controller;
  }

  push(chunk: Buffer): void {
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.#chunks.push(chunk);
    if (this.#chunks.length >= pauseAfterChunks) this.#controller.pause();
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  fail(error: Error): void {
    this.#ended = true;
    this.#error ??= error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      if (this.#chunks.length === 0 && this.#controller.paused) this.#controller.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** Leaving a `for await` early: the rest of the answer is not wanted. */
  return(): Promise<IteratorResult<Buffer>> {
    this.destroy();
    return Promise.resolve({ value: undefined, done: true });
  }

  destroy(error?: Error): void {
    this.#chunks.length = 0;
    if (this.#ended) return;
    const reason = error ?? new BodyReleased('the upstream body was released');
    // undici may report the abort back at once (onResponseError → fail); the first reason stays.
    if (!this.#controller.aborted) this.#controller.abort(reason);
    this.fail(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this;
  }
}

/** Why an upstream call was ended by its reader before its body was complete. */
export class BodyReleased extends Error {
  override readonly name = 'BodyReleased';
}
