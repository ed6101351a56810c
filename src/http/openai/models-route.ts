import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';

interface ListedModel {
  id: string;
  ownedBy: string;
}

/** Aliases first, then `provider/model` for the known models of every configured provider. */
function listModels(gateway: Gateway): ListedModel[] {
  return [
    ...gateway.models.aliases().map((alias) => ({ id: alias.name, ownedBy: alias.provider })),
    ...gateway.providers.catalog().map(({ provider, model }) => ({ id: `${provider}/${model}`, ownedBy: provider })),
  ];
}

const OpenAIModelSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Integer(),
  owned_by: Type.String(),
});

function toOpenAIModel(model: ListedModel) {
  return { id: model.id, object: 'model' as const, created: 0, owned_by: model.ownedBy };
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: the configured aliases and the
 * known models of configured providers. Any other `provider/model` id works too; these are the ones
 * worth showing in a model picker.
 */
export function registerModelsRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get(
    '/v1/models',
    {
      config: { errorShape: 'openai' },
      schema: {
        summary: 'List configured aliases and known models.',
        tags: ['openai'],
        response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(OpenAIModelSchema) }) },
      },
    },
    function listOpenAIModels() {
      return { object: 'list' as const, data: listModels(gateway).map(toOpenAIModel) };
    },
  );
  app.get<{ Params: { '*': string } }>(
    '/v1/models/*',
    {
      config: { errorShape: 'openai' },
      schema: { summary: 'One model of the list.', tags: ['openai'], response: { 200: OpenAIModelSchema } },
    },
    function getOpenAIModel(request) {
      const id = request.params['*'];
      const model = listModels(gateway).find((item) => item.id === id);
      if (model === undefined) {
        throw new GatewayError('model_not_found', `The model '${id}' is not in this gateway's list.`, {
          param: 'model',
        });
      }
      return toOpenAIModel(model);
    },
  );
}
