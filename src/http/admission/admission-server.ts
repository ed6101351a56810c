import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:http';
import { createRequire } from 'node:module';
import type { FastifyServerFactory } from 'fastify';
import { type AdmissionGate, overloaded } from '../../gateway/admission-gate.ts';
import type { ErrorShape } from '../errors/error-shape.ts';
import { renderError } from '../errors/register-error-handler.ts';

export interface AdmissionServerOptions {
  http: ServerOptions;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  /** Called for each request refused here (for the metrics). */
  onRefused: (path: string) => void;
}

const refusal = overloaded('The gateway is overloaded; retry shortly.');

/**
 * `node:http` taken through `require`, not `import`: an ES import of it reads every export, and three of
 * them (`WebSocket`, `CloseEvent`, `MessageEvent`) are getters that load Node's own bundled copy of undici
 * — its fetch, WebSocket and all, never used here (upstream calls go through the undici package): 13 MB
 * of RSS in a bare Node process, ~2 MB of the gateway's idle RSS. Type-only imports of `node:http` are
 * erased and cost nothing (test/e2e/bundled-undici.test.ts).
 */
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/**
 * The HTTP server under Fastify, with admission's cheapest refusal in front: a POST to an admitted
 * route (`paths`, with each route's error shape, filled as routes register) that the gate refuses
 * outright is answered 503 before routing, hooks, authentication or body parsing — a few microseconds,
 * so that a process past its capacity spends its CPU on the requests it keeps. The unread body is
 * drained by Node and the connection kept alive. Everything else goes to Fastify.
 */
export function admissionServerFactory(
  gate: AdmissionGate,
  paths: ReadonlyMap<string, ErrorShape>,
  options: AdmissionServerOptions,
): FastifyServerFactory {
  return (handler) => {
    const server = createServer(options.http, (request, response) => {
      if (request.method === 'POST') {
        const url = request.url ?? '';
        const query = url.indexOf('?');
        const path = query === -1 ? url : url.slice(0, query);
        const shape = paths.get(path);
        if (shape !== undefined && gate.refuseEarly()) {
          const requestId = randomUUID();
          const body = JSON.stringify(renderError(refusal, shape, requestId));
          response.writeHead(503, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            'retry-after': refusal.headers['retry-after'],
            'x-request-id': requestId,
          });
          response.end(body);
          options.onRefused(path);
          return;
        }
      }
      handler(request, response);
    });
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    server.requestTimeout = options.requestTimeoutMs;
    return server;
  };
}
