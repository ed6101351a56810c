import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestRecord, type RequestRecord } from '../gateway/request-record.ts';
import type { Principal } from '../governance/principal.ts';
import { CallerGone } from '../providers/shared/abort-reasons.ts';
import type { ErrorShape } from './errors/error-shape.ts';
import { estimateStreamUsage } from './sse/estimate-stream-usage.ts';

/**
 * Settles one request once its outcome is final: releases what it holds, records and logs it.
 * `status` is the response's, or 499 when the caller went away before the response was complete.
 */
export type RequestSettler = (request: FastifyRequest, reply: FastifyReply, status: number) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /** Run in order, once per request, by `registerRequestContext`; see `onRequestSettled`. */
    requestSettlers: RequestSettler[];
  }
  interface FastifyRequest {
    /** What the gateway learns while serving this request; logged when it ends. */
    record: RequestRecord;
    /** Aborts (with `CallerGone`) when the caller disconnects before the response is complete. */
    callerSignal: AbortSignal;
    /** Who is calling, on governed and admin routes. */
    principal: Principal;
    /**
     * The route's config (ours, plus Fastify's `url` and `method`), read once per request: Fastify's
     * `routeOptions` getter builds a new object on every read, and every hook needs it.
     */
    routeConfig: FastifyRequest['routeOptions']['config'];
  }
  interface FastifyReply {
    /** Callbacks for when the response closes; see `whenClosed`. */
    closers: Array<(finished: boolean) => void> | null;
  }
  interface FastifyContextConfig {
    /** The API shape errors on this route are rendered in. */
    errorShape?: ErrorShape;
    /** Where the caller's key is read: Gemini routes also take `x-goog-api-key` and `?key=`. */
    credentials?: 'google';
    /** An API route: callers authenticate, limits apply, a usage row is written. */
    governed?: boolean;
    /** An admin route: the master key only. */
    admin?: boolean;
    /** A route that calls an upstream: it takes an admission slot (http/admission/). */
    admitted?: boolean;
  }
}

const anonymous: Principal = { kind: 'anonymous' };

/** A caller-supplied request id is kept if it is short and plain; otherwise a new one is made. */
const acceptableRequestId = /^[\w.:-]{1,128}$/;

export function generateRequestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

/**
 * Gives every request its record, its caller signal and an `x-request-id` response header, and settles
 * it exactly once: when its response has been sent (Fastify's `onResponse`), or at once when its caller
 * goes away first — mid-stream or while the gateway still waits upstream. Fastify runs no `onResponse`
 * for a response that never finished, so without the second a departed caller's parallel slot and
 * budget reservations were held for good, and its call left no usage row and no log line.
 */
export function registerRequestContext(app: FastifyInstance): void {
  const settlers: RequestSettler[] = [];
  app.decorate('requestSettlers', settlers);
  const settle = (request: FastifyRequest, reply: FastifyReply, status: number): void => {
    const { record } = request;
    if (record.settled) return;
    record.settled = true;
    if (record.stream) estimateStreamUsage(record, requestBytes(request));
    for (const settler of settlers) {
      try {
        settler(request, reply, status);
      } catch (error) {
        request.log.error({ err: error }, 'settling the request failed');
      }
    }
  };
  app.decorateRequest('record', null as unknown as RequestRecord);
  app.decorateRequest('callerSignal', null as unknown as AbortSignal);
  app.decorateRequest<Principal | null>('principal', null);
  app.decorateRequest('routeConfig', null as unknown as FastifyRequest['routeOptions']['config']);
  app.decorateReply('closers', null);
  app.addHook('onRequest', function attachRequestContext(request, reply, done) {
    request.record = createRequestRecord(request.id);
    request.principal = anonymous;
    request.routeConfig = request.routeOptions.config;
    const controller = new AbortController();
    request.callerSignal = controller.signal;
    const response = reply.raw;
    // One listener for everything that waits on the close (admission, metrics): `once` wraps and binds
    // a function per call, and each further listener grows the emitter's list.
    response.on('close', () => {
      const finished = response.writableFinished;
      if (!finished) {
        controller.abort(new CallerGone('the caller closed the connection'));
        settle(request, reply, 499);
      }
      const closers = reply.closers;
      if (closers !== null) for (const closer of closers) closer(finished);
    });
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', function settleRequest(request, reply, done) {
    settle(request, reply, reply.statusCode);
    done();
  });
}

/** Adds a step to every request's settlement; steps run in the order they were added. */
export function onRequestSettled(app: FastifyInstance, settler: RequestSettler): void {
  app.requestSettlers.push(settler);
}

/** The request body's size in bytes, for estimates: its stated length, else the text the parser kept. */
function requestBytes(request: FastifyRequest): number {
  const length = Number(request.headers['content-length']);
  return Number.isFinite(length) && length > 0 ? length : request.bodyText.length;
}

/**
 * Runs `closer` when the response closes: `finished` is true when it was sent completely, false when
 * the caller went away first. Runs at once if the response has already closed.
 */
export function whenClosed(reply: FastifyReply, closer: (finished: boolean) => void): void {
  if (reply.raw.closed) {
    closer(reply.raw.writableFinished);
    return;
  }
  if (reply.closers === null) reply.closers = [closer];
  else reply.closers.push(closer);
}
