import type { FastifyInstance } from 'fastify';
import { capturedBodyChars } from '../logging/redact-text.ts';
import { loggedBodiesOf } from './logged-bodies.ts';
import { onRequestSettled } from './request-context.ts';

/** Levels at which the request line is written; above them the line is not even built. */
const infoLevels = new Set(['info', 'debug', 'trace']);

/**
 * One JSON line per request, written after the response has gone (or its caller has): request id, key id (never the key),
 * route, status, latency, time to first token, provider and model, tokens, cost, attempts, warnings.
 * With `logBodies` (opt-in: bodies hold user data) the line also carries the request body and the
 * answer as sent — streams included — cut to 16 KB and redacted of credentials (the gateway's own by
 * value, any others by shape), e-mail addresses and card-like numbers.
 */
export function registerRequestLog(
  app: FastifyInstance,
  options: {
    logBodies: boolean;
    /** The gateway's own credentials, redacted from logged bodies by value (`configuredSecrets`). */
    secrets: readonly string[];
  },
): void {
  const { secrets } = options;
  if (options.logBodies) registerBodyCapture(app);
  // Written when the request settles: after its response, or at once when its caller left (status 499).
  onRequestSettled(app, function logRequest(request, reply, status) {
    if (!infoLevels.has(request.log.level)) return;
    const { record } = request;
    const usage = record.usage;
    const bodies = options.logBodies ? loggedBodiesOf(request, secrets) : undefined;
    request.log.info(
      {
        method: request.method,
        route: request.routeConfig?.url ?? 'unmatched',
        status,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
        keyId: record.keyId ?? undefined,
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
        costUsd: record.costUsd,
        cache: record.cache,
        finishReason: record.finishReason,
        errorCode: record.errorCode,
        warnings: record.warnings.length > 0 ? record.warnings.map((warning) => warning.parameter) : undefined,
        requestBody: bodies?.request,
        responseBody: bodies?.response,
      },
      'request',
    );
  });
}

/** Keeps what is sent: whole answers here, stream events as they are written (send-event-stream.ts). */
function registerBodyCapture(app: FastifyInstance): void {
  app.addHook('onRequest', function startCapture(request, _reply, done) {
    request.record.responseLog = '';
    done();
  });
  app.addHook('onSend', function captureAnswer(request, _reply, payload, done) {
    const { record } = request;
    if (record.responseLog !== undefined && record.responseLog.length < capturedBodyChars) {
      if (typeof payload === 'string') record.responseLog += payload.slice(0, capturedBodyChars);
      else if (Buffer.isBuffer(payload)) record.responseLog += payload.toString('utf8', 0, capturedBodyChars);
    }
    done(null, payload);
  });
}
