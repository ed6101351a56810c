import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { GovernanceStore } from '../../store/store-records.ts';
import { SimpleErrorSchema } from '../chat/chat-schemas.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import { percentile } from './percentile.ts';
import { refuseUnstorableStrings } from './refuse-unstorable-strings.ts';

type Range = 'hour' | 'day' | 'week';

/** Each range's span and bucket width. */
const ranges: Record<Range, { spanMs: number; bucketMs: number }> = {
  hour: { spanMs: 3_600_000, bucketMs: 60_000 },
  day: { spanMs: 86_400_000, bucketMs: 3_600_000 },
  week: { spanMs: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
};

/** Latency percentiles are computed from at most this many of the newest rows of the range. */
const latencySample = 50_000;

const errors = { '4xx': SimpleErrorSchema, '5xx': SimpleErrorSchema };
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/**
 * `GET /admin/usage/series` (totals and latency percentiles per time bucket over the last hour, day or
 * week) and `GET /admin/usage/daily` (per UTC day and model, provider or key). Master key only.
 */
export function registerUsageSeriesRoutes(app: FastifyInstance, store: GovernanceStore): void {
  app.get<{ Querystring: { range?: Range } }>(
    '/admin/usage/series',
    {
      config: { errorShape: 'simple', admin: true },
      schema: {
        summary: 'Requests, errors, tokens, cost and p50/p99 latency per time bucket over the last hour, day or week.',
        tags: ['admin'],
        querystring: Type.Object({
          range: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')])),
        }),
        response: {
          200: Type.Object({
            range: Type.String(),
            bucket_ms: Type.Integer(),
            data: Type.Array(
              Type.Object({
                start: Type.String({ format: 'date-time' }),
                requests: Type.Integer(),
                errors: Type.Integer(),
                input_tokens: Type.Integer(),
                output_tokens: Type.Integer(),
                cost_usd: Type.Number(),
                p50_latency_ms: NullableNumber,
                p99_latency_ms: NullableNumber,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async function usageSeries(request) {
      const range = request.query.range ?? 'day';
      const { spanMs, bucketMs } = ranges[range];
      const to = Math.ceil(Date.now() / bucketMs) * bucketMs;
      const from = to - spanMs;
      const [buckets, latencies] = await Promise.all([
        store.usageSeries({ from, to, bucketMs }),
        store.latencies({ from, to, limit: latencySample }),
      ]);
      const byBucket = new Map<number, number[]>();
      for (const row of latencies) {
        const start = Math.floor(row.startedAt / bucketMs) * bucketMs;
        const list = byBucket.get(start);
        if (list === undefined) byBucket.set(start, [row.latencyMs]);
        else list.push(row.latencyMs);
      }
      const found = new Map(buckets.map((bucket) => [bucket.start, bucket]));
      const data = [];
      // Every bucket of the range, empty ones included, so a chart's time axis is even.
      for (let start = from; start < to; start += bucketMs) {
        const bucket = found.get(start);
        const sorted = (byBucket.get(start) ?? []).sort((a, b) => a - b);
        data.push({
          start: new Date(start).toISOString(),
          requests: bucket?.requests ?? 0,
          errors: bucket?.errors ?? 0,
          input_tokens: bucket?.inputTokens ?? 0,
          output_tokens: bucket?.outputTokens ?? 0,
          cost_usd: bucket?.costUsd ?? 0,
          p50_latency_ms: percentile(sorted, 0.5),
          p99_latency_ms: percentile(sorted, 0.99),
        });
      }
      return { range, bucket_ms: bucketMs, data };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; group_by?: 'model' | 'provider' | 'key'; key_id?: string } }>(
    '/admin/usage/daily',
    {
      config: { errorShape: 'simple', admin: true },
      preValidation: refuseUnstorableStrings,
      schema: {
        summary:
          'Usage per UTC day and model, provider or key (a stacked chart), over [from, to), of every key or one.',
        tags: ['admin'],
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive; default 7 days ago.' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive; default now.' })),
          group_by: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('provider'), Type.Literal('key')])),
          key_id: Type.Optional(Type.String({ maxLength: 100, description: "Only this key's calls." })),
        }),
        response: {
          200: Type.Object({
            group_by: Type.String(),
            data: Type.Array(
              Type.Object({
                day: Type.String(),
                group: Type.Union([Type.String(), Type.Null()]),
                requests: Type.Integer(),
                input_tokens: Type.Integer(),
                output_tokens: Type.Integer(),
                cost_usd: Type.Number(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async function dailyUsage(request) {
      const { query } = request;
      const groupBy = query.group_by ?? 'model';
      const to = query.to === undefined ? Date.now() + 1 : parseTimestamp(query.to, 'to');
      const from = query.from === undefined ? to - 7 * 86_400_000 : parseTimestamp(query.from, 'from');
      const rows = await store.dailyUsage({ from, to, groupBy, keyId: query.key_id });
      return {
        group_by: groupBy,
        data: rows.map((row) => ({
          day: row.day,
          group: row.group,
          requests: row.requests,
          input_tokens: row.inputTokens,
          output_tokens: row.outputTokens,
          cost_usd: row.costUsd,
        })),
      };
    },
  );
}
