import { type Static, Type } from 'typebox';
import { invalidRequest } from '../../errors/gateway-error.ts';
import { keyValueRanges } from '../../governance/key-value-ranges.ts';
import { maxModelNameLength } from '../shared/model-name-schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const BudgetPeriodSchema = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]);

/** Bounds on a key's free-form `metadata`, checked by `checkKeyMetadata`. */
export const metadataBounds = { maxDepth: 5, maxTopLevelKeys: 50, maxEntries: 500, maxBytes: 16_384 } as const;

const storableString =
  'No NUL character and no lone surrogate (neither can be stored), as in every string of the admin API.';

const keyFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: storableString }),
  models: Type.Array(Type.String({ minLength: 1, maxLength: maxModelNameLength }), {
    maxItems: 200,
    description: 'Aliases, `provider/model` names, `provider/*` patterns or `*`; absent means every model.',
  }),
  rpm_limit: Type.Integer({ minimum: 1, maximum: keyValueRanges.int32Max, description: 'Requests per minute.' }),
  tpm_limit: Type.Integer({
    minimum: 1,
    maximum: keyValueRanges.safeIntegerMax,
    description: 'Tokens (estimated input + max output, reconciled) per minute.',
  }),
  max_budget_usd: Type.Number({
    minimum: keyValueRanges.budgetMin,
    exclusiveMaximum: keyValueRanges.budgetBelow,
    description: 'USD, stored to 10 decimal places.',
  }),
  budget_period: BudgetPeriodSchema,
  max_parallel: Type.Integer({ minimum: 1, maximum: keyValueRanges.int32Max }),
  expires_at: Type.String({
    format: 'date-time',
    description: 'RFC 3339; a leap second (`23:59:60`) is read as the next second.',
  }),
  metadata: Type.Record(Type.String(), Type.Unknown(), {
    maxProperties: metadataBounds.maxTopLevelKeys,
    description: `Free-form JSON: at most ${metadataBounds.maxDepth} levels deep, ${metadataBounds.maxEntries} keys and array items in all, ${metadataBounds.maxBytes} bytes as JSON.`,
  }),
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
  after: Type.Optional(
    Type.String({ maxLength: 100, description: `The \`next_cursor\` of the previous page. ${storableString}` }),
  ),
});

export const UsageQuerySchema = Type.Object({
  key_id: Type.Optional(Type.String({ maxLength: 100, description: storableString })),
  model: Type.Optional(Type.String({ maxLength: maxModelNameLength, description: storableString })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive, RFC 3339 (ISO 8601).' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive, RFC 3339 (ISO 8601).' })),
  group_by: Type.Optional(
    Type.Union([Type.Literal('key'), Type.Literal('model'), Type.Literal('provider'), Type.Literal('day')]),
  ),
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
