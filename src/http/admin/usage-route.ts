import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { GovernanceStore, UsageGrouping } from '../../store/store-records.ts';
import { SimpleErrorSchema } from '../chat/chat-schemas.ts';
import { queryInteger, UsageQuerySchema } from './admin-schemas.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import { refuseUnstorableStrings } from './refuse-unstorable-strings.ts';

interface UsageQueryString {
  key_id?: string;
  model?: string;
  from?: string;
  to?: string;
  group_by?: UsageGrouping;
  limit?: string;
  offset?: string;
}

const AggregateSchema = Type.Object({
  group: Type.Union([Type.String(), Type.Null()]),
  requests: Type.Integer(),
  errors: Type.Integer(),
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cached_tokens: Type.Integer(),
  cost_usd: Type.Number(),
});

/** `GET /admin/usage`: usage aggregated by key, model or UTC day, filtered and paged. Master key only. */
export function registerUsageRoute(app: FastifyInstance, store: GovernanceStore): void {
  app.get<{ Querystring: UsageQueryString }>(
    '/admin/usage',
    {
      config: { errorShape: 'simple', admin: true },
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Usage totals by key, model or day.',
        tags: ['admin'],
        querystring: UsageQuerySchema,
        response: {
          200: Type.Object({
            group_by: Type.String(),
            data: Type.Array(AggregateSchema),
            next_offset: Type.Union([Type.Integer(), Type.Null()]),
          }),
          '4xx': SimpleErrorSchema,
          '5xx': SimpleErrorSchema,
        },
      },
    },
    async function usage(request) {
      const { query } = request;
      const groupBy = query.group_by ?? 'key';
      const limit = queryInteger(query.limit, { name: 'limit', fallback: 100, min: 1, max: 1000 });
      const offset = queryInteger(query.offset, { name: 'offset', fallback: 0, min: 0, max: 1_000_000_000 });
      const rows = await store.aggregateUsage({
        keyId: query.key_id,
        model: query.model,
        from: query.from === undefined ? undefined : parseTimestamp(query.from, 'from'),
        to: query.to === undefined ? undefined : parseTimestamp(query.to, 'to'),
        groupBy,
        limit: limit + 1,
        offset,
      });
      const data = rows.slice(0, limit).map((row) => ({
        group: row.group,
        requests: row.requests,
        errors: row.errors,
        input_tokens: row.inputTokens,
        output_tokens: row.outputTokens,
        cached_tokens: row.cachedTokens,
        cost_usd: row.costUsd,
      }));
      return { group_by: groupBy, data, next_offset: rows.length > limit ? offset + limit : null };
    },
  );
}
