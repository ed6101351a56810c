import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { KeyAdmin } from '../../governance/key-admin.ts';
import type { ApiKeyPatch } from '../../store/store-records.ts';
import { SimpleErrorSchema } from '../chat/chat-schemas.ts';
import {
  CreatedKeySchema,
  type CreateKeyBody,
  CreateKeyBodySchema,
  KeyListQuerySchema,
  KeyViewSchema,
  queryInteger,
  type UpdateKeyBody,
  UpdateKeyBodySchema,
} from './admin-schemas.ts';
import { checkKeyMetadata } from './check-key-metadata.ts';
import { toKeyView } from './key-view.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import { refuseUnstorableStrings } from './refuse-unstorable-strings.ts';

const admin = { errorShape: 'simple', admin: true } as const;
const errors = { '4xx': SimpleErrorSchema, '5xx': SimpleErrorSchema };
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** `/admin/keys`: create, list, read, change and revoke gateway keys. Master key only. */
export function registerKeysRoutes(app: FastifyInstance, keys: KeyAdmin): void {
  app.post<{ Body: CreateKeyBody }>(
    '/admin/keys',
    {
      config: admin,
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Create a gateway key (the key is shown once).',
        tags: ['admin'],
        body: CreateKeyBodySchema,
        response: { 201: CreatedKeySchema, ...errors },
      },
    },
    async function createKey(request, reply) {
      const body = request.body;
      checkKeyMetadata(body.metadata);
      const { record, key } = await keys.create({
        name: body.name,
        models: body.models,
        rpmLimit: body.rpm_limit,
        tpmLimit: body.tpm_limit,
        maxBudgetUsd: body.max_budget_usd,
        budgetPeriod: body.budget_period,
        maxParallel: body.max_parallel,
        expiresAt: body.expires_at === undefined ? undefined : parseTimestamp(body.expires_at, 'expires_at'),
        metadata: body.metadata,
      });
      return reply.code(201).send({ ...toKeyView(record), key });
    },
  );

  app.get<{ Querystring: { limit?: string; after?: string } }>(
    '/admin/keys',
    {
      config: admin,
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'List gateway keys (never the secrets), in pages.',
        tags: ['admin'],
        querystring: KeyListQuerySchema,
        response: {
          200: Type.Object({ data: Type.Array(KeyViewSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errors,
        },
      },
    },
    async function listKeys(request) {
      const limit = queryInteger(request.query.limit, { name: 'limit', fallback: 50, min: 1, max: 100 });
      const page = await keys.list({ limit: limit + 1, after: request.query.after });
      const data = page.slice(0, limit);
      return { data: data.map(toKeyView), next_cursor: page.length > limit ? (data.at(-1)?.id ?? null) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/admin/keys/:id',
    {
      config: admin,
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Read one key.',
        tags: ['admin'],
        params: IdParams,
        response: { 200: KeyViewSchema, ...errors },
      },
    },
    async function getKey(request) {
      return toKeyView(await keys.get(request.params.id));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateKeyBody }>(
    '/admin/keys/:id',
    {
      config: admin,
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Change a key’s name, models or limits (null clears a limit).',
        tags: ['admin'],
        params: IdParams,
        body: UpdateKeyBodySchema,
        response: { 200: KeyViewSchema, ...errors },
      },
    },
    async function updateKey(request) {
      return toKeyView(await keys.update(request.params.id, toPatch(request.body)));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/keys/:id',
    {
      config: admin,
      preValidation: refuseUnstorableStrings,
      schema: {
        summary: 'Revoke a key, at once, on every instance.',
        tags: ['admin'],
        params: IdParams,
        response: { 200: KeyViewSchema, ...errors },
      },
    },
    async function revokeKey(request) {
      return toKeyView(await keys.revoke(request.params.id));
    },
  );
}

function toPatch(body: UpdateKeyBody): ApiKeyPatch {
  const patch: ApiKeyPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.models !== undefined) patch.models = body.models;
  if (body.rpm_limit !== undefined) patch.rpmLimit = body.rpm_limit;
  if (body.tpm_limit !== undefined) patch.tpmLimit = body.tpm_limit;
  if (body.max_budget_usd !== undefined) patch.maxBudgetUsd = body.max_budget_usd;
  if (body.budget_period !== undefined) patch.budgetPeriod = body.budget_period;
  if (body.max_parallel !== undefined) patch.maxParallel = body.max_parallel;
  if (body.expires_at !== undefined)
    patch.expiresAt = body.expires_at === null ? null : parseTimestamp(body.expires_at, 'expires_at');
  if (body.metadata !== undefined) {
    checkKeyMetadata(body.metadata);
    patch.metadata = body.metadata;
  }
  return patch;
}
