import type { FastifyInstance } from 'fastify';

/** Levels at which the request line is written; above them the line is not even built. */
const infoLevels = new Set(['info', 'debug', 'trace']);

/**
 * One JSON line per request, written after the response has gone: request id, route, status, latency,
 * provider and model, tokens, warnings. Never keys, never prompts.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', function logRequest(request, reply, done) {
    if (!infoLevels.has(request.log.level)) return done();
    const { record } = request;
    const usage = record.usage;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
        provider: record.provider,
        model: record.model,
        upstreamModel: record.upstreamModel,
        stream: record.stream || undefined,
        passthrough: record.passthrough || undefined,
        attempts: record.attempts || undefined,
        fallbacks: record.fallbacks || undefined,
        upstreamMs: record.upstreamMs > 0 ? Math.round(record.upstreamMs * 100) / 100 : undefined,
        ttftMs:
          record.firstByteAt === undefined
            ? undefined
            : Math.round((record.firstByteAt - record.startedAt) * 100) / 100,
        inputTokens: usage?.inputTokens,
        outputTokens: usage?.outputTokens,
        cachedTokens: usage?.cacheReadTokens || undefined,
        finishReason: record.finishReason,
        errorCode: record.errorCode,
        warnings: record.warnings.length > 0 ? record.warnings.map((warning) => warning.parameter) : undefined,
      },
      'request',
    );
    done();
  });
}
