import { type Static, Type } from 'typebox';
import { invalidRequest } from '../../errors/gateway-error.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const BudgetPeriodSchema = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]);

const keyFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  models: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    maxItems: 200,
    description: 'Aliases, `provider/model` names, `provider/*` patterns or `*`; absent means every model.',
  }),
  rpm_limit: Type.Integer({ minimum: 1, description: 'Requests per minute.' }),
  tpm_limit: Type.Integer({ minimum: 1, description: 'Tokens (estimated input + max output, reconciled) per minute.' }),
  max_budget_usd: Type.Number({ exclusiveMinimum: 0 }),
  budget_period: BudgetPeriodSchema,
  max_parallel: Type.Integer({ minimum: 1 }),
  expires_at: Type.String({ format: 'date-time' }),
  metadata: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50 }),
};

/** `POST /admin/keys`. Unknown fields are refused, so a typo never silently creates an unlimited key. */
export const CreateKeyBodySchema = Type.Object(
  {
    name: keyFields.name,
    models: Type.Optional(keyFields.models),
    rpm_limit: Type.Optional(keyFields.rpm_limit),
    tpm_limit: Type.Optional(keyFields.tpm_limit),
    max_budget_usd: Type.Optional(keyFields.max_budget_usd),
    budget_period: Type.Optional(keyFields.budget_period),
    max_parallel: Type.Optional(keyFields.max_parallel),
    expires_at: Type.Optional(keyFields.expires_at),
    metadata: Type.Optional(keyFields.metadata),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Static<typeof CreateKeyBodySchema>;

/** `PATCH /admin/keys/{id}`: any field; null clears a limit. */
export const UpdateKeyBodySchema = Type.Object(
  {
    name: Type.Optional(keyFields.name),
    models: Type.Optional(Nullable(keyFields.models)),
    rpm_limit: Type.Optional(Nullable(keyFields.rpm_limit)),
    tpm_limit: Type.Optional(Nullable(keyFields.tpm_limit)),
    max_budget_usd: Type.Optional(Nullable(keyFields.max_budget_usd)),
    budget_period: Type.Optional(Nullable(keyFields.budget_period)),
    max_parallel: Type.Optional(Nullable(keyFields.max_parallel)),
    expires_at: Type.Optional(Nullable(keyFields.expires_at)),
    metadata: Type.Optional(Nullable(keyFields.metadata)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateKeyBody = Static<typeof UpdateKeyBodySchema>;

/** A key as the admin API shows it: never the secret, never its hash. */
export const KeyViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  key_prefix: Type.String(),
  models: Nullable(Type.Array(Type.String())),
  rpm_limit: Nullable(Type.Integer()),
  tpm_limit: Nullable(Type.Integer()),
  max_budget_usd: Nullable(Type.Number()),
  budget_period: Nullable(Type.String()),
  max_parallel: Nullable(Type.Integer()),
  expires_at: Nullable(Type.String()),
  metadata: Nullable(Type.Record(Type.String(), Type.Unknown())),
  created_at: Type.String(),
  updated_at: Type.String(),
  revoked_at: Nullable(Type.String()),
});

export const CreatedKeySchema = Type.Object({
  ...KeyViewSchema.properties,
  key: Type.String({ description: 'Shown this once.' }),
});

/** A query-string integer (query values are strings; the body validator does not coerce types). */
const QueryInteger = (description: string) => Type.String({ pattern: '^[0-9]{1,9}$', description });

export const KeyListQuerySchema = Type.Object({
  limit: Type.Optional(QueryInteger('Page size, 1 to 100 (default 50).')),
  after: Type.Optional(Type.String({ maxLength: 100, description: 'The `next_cursor` of the previous page.' })),
});

export const UsageQuerySchema = Type.Object({
  key_id: Type.Optional(Type.String({ maxLength: 100 })),
  model: Type.Optional(Type.String({ maxLength: 300 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive, ISO 8601.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive, ISO 8601.' })),
  group_by: Type.Optional(Type.Union([Type.Literal('key'), Type.Literal('model'), Type.Literal('day')])),
  limit: Type.Optional(QueryInteger('Page size, 1 to 1000 (default 100).')),
  offset: Type.Optional(QueryInteger('Rows to skip.')),
});

/** Reads a bounded page-size or offset from the query string. */
export function queryInteger(
  value: string | undefined,
  options: { name: string; fallback: number; min: number; max: number },
): number {
  if (value === undefined) return options.fallback;
  const number = Number(value);
  if (number < options.min || number > options.max) {
    throw invalidRequest(`${options.name} must be between ${options.min} and ${options.max}.`, options.name);
  }
  return number;
}
