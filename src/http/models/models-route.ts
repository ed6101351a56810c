import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { toGoogleModel } from '../gemini/google-model.ts';

export interface ListedModel {
  id: string;
  ownedBy: string;
}

/** Aliases first, then `provider/model` for the known models of every configured provider. */
export function listModels(gateway: Gateway): ListedModel[] {
  return [
    ...gateway.models.groups().map((group) => ({ id: group.name, ownedBy: group.targets[0]?.provider ?? 'llm-proxy' })),
    ...gateway.providers.catalog().map(({ provider, model }) => ({ id: `${provider}/${model}`, ownedBy: provider })),
  ];
}

/** The Anthropic SDK sends `anthropic-version` on every call; the OpenAI SDK never does. */
function wantsAnthropicShape(request: FastifyRequest): boolean {
  return request.headers['anthropic-version'] !== undefined;
}

/** `@google/genai` (whose default API version is `v1`) sends `x-goog-api-key` or `?key=`, and `x-goog-api-client`. */
function wantsGoogleShape(request: FastifyRequest): boolean {
  const { headers } = request;
  const query = request.query as Record<string, unknown> | undefined;
  return (
    headers['x-goog-api-key'] !== undefined ||
    headers['x-goog-api-client'] !== undefined ||
    query?.['key'] !== undefined
  );
}

function toOpenAIModel(model: ListedModel) {
  return { id: model.id, object: 'model', created: 0, owned_by: model.ownedBy };
}

function toAnthropicModel(model: ListedModel) {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: '1970-01-01T00:00:00Z',
    capabilities: null,
    max_input_tokens: null,
    max_tokens: null,
  };
}

const ModelSchema = Type.Object(
  { id: Type.String() },
  { description: 'OpenAI `model`, or Anthropic `ModelInfo` when `anthropic-version` is sent.' },
);

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the configured aliases and the known models of configured
 * providers, in OpenAI's list shape, Anthropic's when the caller sends `anthropic-version`, or Google's when
 * it sends a Gemini key (`x-goog-api-key`, `?key=`; Gemini callers may authenticate that way here). Any
 * other `provider/model` works too; these are the ones worth showing in a model picker.
 */
export function registerModelsRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get(
    '/v1/models',
    {
      config: { governed: true, credentials: 'google' },
      schema: {
        summary: 'List configured aliases and known models.',
        tags: ['openai', 'anthropic'],
        response: { 200: Type.Object({ data: Type.Array(ModelSchema) }, { additionalProperties: true }) },
      },
    },
    function models(request, reply) {
      const listed = listModels(gateway);
      if (wantsGoogleShape(request))
        return reply.type('application/json').send(JSON.stringify({ models: listed.map(toGoogleModel) }));
      const body = wantsAnthropicShape(request)
        ? {
            data: listed.map(toAnthropicModel),
            has_more: false,
            first_id: listed[0]?.id ?? null,
            last_id: listed.at(-1)?.id ?? null,
          }
        : { object: 'list', data: listed.map(toOpenAIModel) };
      return reply.type('application/json').send(JSON.stringify(body));
    },
  );
  app.get<{ Params: { '*': string } }>(
    '/v1/models/*',
    {
      config: { governed: true, credentials: 'google' },
      schema: { summary: 'One model of the list.', tags: ['openai', 'anthropic'], response: { 200: ModelSchema } },
    },
    function model(request, reply) {
      const id = wantsGoogleShape(request) ? request.params['*'].replace(/^models\//, '') : request.params['*'];
      const found = listModels(gateway).find((item) => item.id === id);
      if (found === undefined) {
        throw new GatewayError('model_not_found', `The model '${id}' is not in this gateway's list.`, {
          param: 'model',
        });
      }
      const body = wantsGoogleShape(request)
        ? toGoogleModel(found)
        : wantsAnthropicShape(request)
          ? toAnthropicModel(found)
          : toOpenAIModel(found);
      return reply.type('application/json').send(JSON.stringify(body));
    },
  );
}
