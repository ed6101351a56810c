import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import { secretsEqual } from '../../governance/api-key.ts';
import { credentialOf } from '../../governance/authenticator.ts';
import type { GatewayObservability } from '../../observability/gateway-observability.ts';
import { whenClosed } from '../request-context.ts';

/** Routes about the gateway itself, left out of the request metrics and traces. */
const unobserved = new Set(['/metrics', '/health/live', '/health/ready', '/openapi.json']);

/**
 * Reports every API request to metrics and tracing: it starts in `onRequest` and ends when the
 * response closes — complete, failed or abandoned by the caller (status 499) — so that no request is
 * missed, streams included. Serves `GET /metrics` (Prometheus text), behind a bearer token if one is set.
 */
export function registerObservability(
  app: FastifyInstance,
  observability: GatewayObservability,
  options: { metricsToken: string | undefined },
): void {
  if (observability.metrics !== undefined || observability.tracing !== undefined) {
    app.addHook('onRequest', function observeRequest(request, reply, done) {
      const route = request.routeConfig.url ?? 'unmatched';
      if (unobserved.has(route) || route.startsWith('/docs')) return done();
      const { record } = request;
      observability.requestStarted(record, request.headers, request.method, route);
      whenClosed(reply, (finished) => observability.requestEnded(record, route, finished ? reply.statusCode : 499));
      done();
    });
  }
  const metrics = observability.metrics;
  if (metrics === undefined) return;
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text format 0.0.4), names prefixed llm_proxy_.',
        tags: ['observability'],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format.' } },
      },
    },
    async function metricsRoute(request, reply) {
      if (options.metricsToken !== undefined) {
        const given = credentialOf(request.headers);
        if (given === undefined || !secretsEqual(given, options.metricsToken))
          throw new GatewayError(
            'authentication_required',
            'The metrics token is required: Authorization: Bearer <token>.',
          );
      }
      reply.type(metrics.contentType);
      return metrics.render();
    },
  );
}
