import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import { renderAnthropicError } from '../../formats/anthropic/render-anthropic-error.ts';
import { renderGoogleError } from '../../formats/gemini/render-google-error.ts';
import { renderOpenAIError } from '../../formats/openai/render-openai-error.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { drainRefusedBody } from '../connection/drain-refused-body.ts';
import type { ErrorShape } from './error-shape.ts';
import { renderSimpleError } from './render-simple-error.ts';
import { toGatewayError } from './to-gateway-error.ts';

/** The error body for `shape`. */
export function renderError(error: GatewayError, shape: ErrorShape, requestId: string): object {
  switch (shape) {
    case 'openai':
      return renderOpenAIError(error);
    case 'anthropic':
      return renderAnthropicError(error, requestId);
    case 'google':
      return renderGoogleError(error);
    case 'simple':
      return renderSimpleError(error);
  }
}

/** Routes without a configured shape (and unknown paths) are recognised by their prefix. */
function shapeFor(request: FastifyRequest): ErrorShape {
  // Errors before the request context exists (a malformed URL) have no routeConfig yet.
  const configured = (request.routeConfig ?? request.routeOptions.config).errorShape;
  if (configured !== undefined) return configured;
  return shapeForPath(request.url, request.headers['anthropic-version'] !== undefined);
}

/** The shape for a path, by its prefix (`/v1beta/…`: Google's; `/v1/messages…` or an Anthropic SDK's call: Anthropic's). */
export function shapeForPath(path: string, fromAnthropicClient: boolean): ErrorShape {
  if (path.startsWith('/v1beta/')) return 'google';
  if (path.startsWith('/v1/messages') || (path.startsWith('/v1/') && fromAnthropicClient)) return 'anthropic';
  return path.startsWith('/v1/') ? 'openai' : 'simple';
}

/** Sends `error` in the caller's API shape, with its status and headers. */
export function sendError(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply {
  const error = toGatewayError(thrown);
  // Fastify's routing errors (`answerFrameworkError`) come before any hook: no record then.
  const record = request.record as RequestRecord | undefined;
  if (record !== undefined) record.errorCode = error.code;
  if (error.code === 'internal_error') request.log.error({ err: thrown }, 'unhandled error');
  // Refusals under overload are counted, not logged one by one: that would add load when there is too much.
  else if (error.status >= 500 && error.code !== 'overloaded')
    request.log.warn({ code: error.code, detail: error.message }, 'request failed');
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (error.code === 'payload_too_large') drainRefusedBody(request, reply);
  return reply
    .code(error.status)
    .type('application/json')
    .send(renderError(error, shapeFor(request), request.id));
}

/**
 * Fastify's `frameworkErrors`: a malformed percent-escape or an over-long path parameter, found while
 * routing, before any hook ran (so no record, no request-id header yet). Rendered like every other
 * error, in the shape the path calls for, without echoing the path.
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  sendError(request, reply, error);
}

/**
 * The one place errors become HTTP responses: every route and hook error, and unknown routes.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(function handleError(error, request, reply) {
    return sendError(request, reply, error);
  });
  app.setNotFoundHandler(function handleNotFound(request, reply) {
    return sendError(
      request,
      reply,
      new GatewayError('route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`),
    );
  });
}
