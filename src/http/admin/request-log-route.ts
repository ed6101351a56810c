import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AttemptDetail } from '../../store/request-detail-records.ts';
import type { LoggedRequest, StatusFilter } from '../../store/request-log-records.ts';
import type { GovernanceStore } from '../../store/store-records.ts';
import { SimpleErrorSchema } from '../chat/chat-schemas.ts';
import { queryInteger } from './admin-schemas.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import { refuseUnstorableStrings } from './refuse-unstorable-strings.ts';

interface LogQueryString {
  request_id?: string;
  key_id?: string;
  model?: string;
  status?: string;
  from?: string;
  to?: string;
  before?: string;
  after?: string;
  limit?: string;
}

const LogQuerySchema = Type.Object({
  request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  key_id: Type.Optional(Type.String({ maxLength: 100 })),
  model: Type.Optional(Type.String({ maxLength: 300 })),
  status: Type.Optional(
    Type.String({ pattern: '^(success|error|[1-5][0-9]{2})$', description: '`success`, `error` or one status code.' }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive, RFC 3339.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive, RFC 3339.' })),
  before: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'The `next_cursor` of the previous page.' }),
  ),
  after: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'Only rows newer than this id (live tail).' }),
  ),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Page size, 1 to 200 (default 50).' })),
});

const LoggedRequestSchema = Type.Object({
  id: Type.Integer(),
  request_id: Type.String(),
  key_id: Type.Union([Type.String(), Type.Null()]),
  model: Type.Union([Type.String(), Type.Null()]),
  provider: Type.Union([Type.String(), Type.Null()]),
  upstream_model: Type.Union([Type.String(), Type.Null()]),
  route: Type.String(),
  stream: Type.Boolean(),
  status: Type.Integer(),
  error_code: Type.Union([Type.String(), Type.Null()]),
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cached_tokens: Type.Integer(),
  reasoning_tokens: Type.Integer(),
  cost_usd: Type.Union([Type.Number(), Type.Null()]),
  latency_ms: Type.Number(),
  ttft_ms: Type.Union([Type.Number(), Type.Null()]),
  attempts: Type.Integer(),
  /** Answered from the response cache: no upstream call, free. */
  cache_hit: Type.Boolean(),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.String({ format: 'date-time' }),
});

const AttemptSchema = Type.Object({
  provider: Type.String(),
  model: Type.String(),
  outcome: Type.Union(
    [Type.Literal('succeeded'), Type.Literal('retried'), Type.Literal('fell_back'), Type.Literal('failed')],
    { description: 'A failure is followed by a retry in the same model group, a fallback group, or nothing.' },
  ),
  status: Type.Union([Type.Integer(), Type.Null()], {
    description: "The upstream's HTTP status; null when it never answered.",
  }),
  error_code: Type.Union([Type.String(), Type.Null()]),
  latency_ms: Type.Number(),
});

const RequestDetailSchema = Type.Intersect([
  LoggedRequestSchema,
  Type.Object({
    attempt_log: Type.Union([Type.Array(AttemptSchema), Type.Null()], {
      description: 'Each upstream attempt; kept only when there was more than one or one failed.',
    }),
    request_body: Type.Union([Type.String(), Type.Null()], {
      description: 'Redacted, at most 16 KB; kept only with body logging on, for `governance.body_retention_days`.',
    }),
    response_body: Type.Union([Type.String(), Type.Null()], {
      description: 'The answer as sent (stream events included), redacted, at most 16 KB; as `request_body`.',
    }),
  }),
]);

function attemptView(attempt: AttemptDetail) {
  return {
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    status: attempt.status,
    error_code: attempt.errorCode,
    latency_ms: attempt.latencyMs,
  };
}

function statusFilter(value: string | undefined): StatusFilter | undefined {
  if (value === undefined || value === 'success' || value === 'error') return value;
  return Number(value);
}

function toView(row: LoggedRequest) {
  return {
    id: row.id,
    request_id: row.requestId,
    key_id: row.keyId,
    model: row.model,
    provider: row.provider,
    upstream_model: row.upstreamModel,
    route: row.route,
    stream: row.stream,
    status: row.status,
    error_code: row.errorCode,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cached_tokens: row.cachedTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_usd: row.costUsd,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    attempts: row.attempts,
    cache_hit: row.cacheHit,
    started_at: new Date(row.startedAt).toISOString(),
    finished_at: new Date(row.finishedAt).toISOString(),
  };
}

/** `GET /admin/logs`: the request log, newest first, filtered and paged by cursor. Master key only. */
export function registerRequestLogRoute(app: FastifyInstance, store: GovernanceStore): void {
  app.get<{ Querystring: LogQueryString }>(
    '/admin/logs',
    {
      config: { errorShape: 'simple', admin: true },
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Recorded requests, newest first, filtered by request id, key, model, status and time.',
        tags: ['admin'],
        querystring: LogQuerySchema,
        response: {
          200: Type.Object({
            data: Type.Array(LoggedRequestSchema),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          '4xx': SimpleErrorSchema,
          '5xx': SimpleErrorSchema,
        },
      },
    },
    async function listRequests(request) {
      const { query } = request;
      const limit = queryInteger(query.limit, { name: 'limit', fallback: 50, min: 1, max: 200 });
      const rows = await store.listRequests({
        requestId: query.request_id,
        keyId: query.key_id,
        model: query.model,
        status: statusFilter(query.status),
        from: query.from === undefined ? undefined : parseTimestamp(query.from, 'from'),
        to: query.to === undefined ? undefined : parseTimestamp(query.to, 'to'),
        before: query.before === undefined ? undefined : Number(query.before),
        after: query.after === undefined ? undefined : Number(query.after),
        limit: limit + 1,
      });
      const data = rows.slice(0, limit);
      const last = data.at(-1);
      return {
        data: data.map(toView),
        next_cursor: rows.length > limit && last !== undefined ? String(last.id) : null,
      };
    },
  );
}

/** `GET /admin/logs/{request_id}`: one logged request with its attempts and bodies, when kept. Master key only. */
export function registerRequestDetailRoute(app: FastifyInstance, store: GovernanceStore): void {
  app.get<{ Params: { request_id: string } }>(
    '/admin/logs/:request_id',
    {
      config: { errorShape: 'simple', admin: true },
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'One recorded request (the newest with this id), with its attempts and its redacted bodies.',
        tags: ['admin'],
        params: Type.Object({ request_id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: RequestDetailSchema, '4xx': SimpleErrorSchema, '5xx': SimpleErrorSchema },
      },
    },
    async function getRequest(request) {
      const found = await store.findRequest(request.params.request_id);
      if (found === undefined) throw new GatewayError('request_not_found', 'No recorded request has this id.');
      const { details } = found;
      return {
        ...toView(found),
        attempt_log: details.attempts === null ? null : details.attempts.map(attemptView),
        request_body: details.requestBody,
        response_body: details.responseBody,
      };
    },
  );
}
