import type { FastifyInstance } from 'fastify';

/**
 * Request headers a preflight may ask for: those the OpenAI, Anthropic and Google SDKs send from a
 * browser (their `x-stainless-*` telemetry, `anthropic-version`, `anthropic-beta`,
 * `anthropic-dangerous-direct-browser-access`, `openai-organization`…), credentials, and trace context.
 * Patterns, not a list: an SDK that adds an `x-stainless-…` header must not break every preflight.
 */
const allowedRequestHeader =
  /^(?:authorization|x-api-key|x-goog-api-key|content-type|accept|idempotency-key|x-request-id|traceparent|tracestate|baggage|anthropic-[a-z0-9-]+|openai-[a-z0-9-]+|x-stainless-[a-z0-9-]+|x-goog-[a-z0-9-]+)$/;

/** Response headers a browser app may read: what served the call, its cost, and its limits. */
const exposedHeaders = [
  'x-request-id',
  'x-llm-proxy-provider',
  'x-llm-proxy-model',
  'x-llm-proxy-attempts',
  'x-llm-proxy-overhead-ms',
  'x-llm-proxy-warnings',
  'x-llm-proxy-cost-usd',
  'x-llm-proxy-token-count',
  'x-llm-proxy-cache',
  'age',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'retry-after',
].join(', ');

const allowedMethods = 'GET, POST, PATCH, DELETE';
/** Browsers cap it (Chromium at 2 h); ten minutes spares a preflight per call without pinning a change. */
const preflightMaxAgeSeconds = '600';

/**
 * CORS for browser apps calling with a key (https://fetch.spec.whatwg.org/#http-cors-protocol). Off —
 * nothing registered, nothing on any request's path — unless origins are configured (`server.cors.origins`,
 * `LLM_PROXY_CORS_ORIGINS`). An allowed origin's requests get `Access-Control-Allow-Origin` (errors
 * included: the hook runs before authentication) and the gateway's headers exposed; a preflight is
 * answered 204 with the methods and the SDK headers it asked for. Credentials (cookies) are never allowed:
 * the key in `Authorization` or `x-api-key` is the credential.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const allowOrigin = (origin: string | undefined): string | undefined => {
    if (origin === undefined) return undefined;
    if (anyOrigin) return '*';
    return allowed.has(origin.toLowerCase()) ? origin : undefined;
  };

  app.addHook('onRequest', function allowCrossOrigin(request, reply, done) {
    const origin = allowOrigin(request.headers.origin);
    if (!anyOrigin) reply.header('vary', 'origin');
    if (origin !== undefined) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', exposedHeaders);
    }
    done();
  });

  app.options('*', { schema: { hide: true } }, function answerPreflight(request, reply) {
    const origin = allowOrigin(request.headers.origin);
    reply.header('allow', `${allowedMethods}, OPTIONS`);
    if (origin !== undefined && request.headers['access-control-request-method'] !== undefined) {
      const asked = request.headers['access-control-request-headers'] ?? '';
      const headers = asked
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => allowedRequestHeader.test(name));
      reply.header('access-control-allow-methods', allowedMethods);
      if (headers.length > 0) reply.header('access-control-allow-headers', headers.join(', '));
      reply.header('access-control-max-age', preflightMaxAgeSeconds);
      reply.header('vary', 'origin, access-control-request-headers');
    }
    return reply.code(204).send();
  });
}
