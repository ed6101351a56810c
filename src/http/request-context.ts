import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestRecord, type RequestRecord } from '../gateway/request-record.ts';
import type { Principal } from '../governance/principal.ts';
import { CallerGone } from '../providers/shared/abort-reasons.ts';
import type { ErrorShape } from './errors/error-shape.ts';

declare module 'fastify' {
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
 * Gives every request its record, its caller signal and an `x-request-id` response header.
 */
export function registerRequestContext(app: FastifyInstance): void {
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
      if (!finished) controller.abort(new CallerGone('the caller closed the connection'));
      const closers = reply.closers;
      if (closers !== null) for (const closer of closers) closer(finished);
    });
    reply.header('x-request-id', request.id);
    done();
  });
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
