import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { listModels } from '../models/models-route.ts';
import { GeminiModelListSchema, GeminiModelSchema } from './gemini-schemas.ts';
import { toGoogleModel } from './google-model.ts';

/**
 * `GET /v1beta/models` and `GET /v1beta/models/{model}`: the same list as `/v1/models`, in Google's shape
 * (`{models: [{name: "models/…", supportedGenerationMethods}]}`).
 * @see https://ai.google.dev/api/models#method:-models.list
 */
export function registerGeminiModelsRoutes(app: FastifyInstance, gateway: Gateway): void {
  const config = { errorShape: 'google', governed: true, credentials: 'google' } as const;
  app.get(
    '/v1beta/models',
    {
      config,
      schema: { summary: 'List models, Gemini shape.', tags: ['gemini'], response: { 200: GeminiModelListSchema } },
    },
    function models(_request, reply) {
      return reply.type('application/json').send(JSON.stringify({ models: listModels(gateway).map(toGoogleModel) }));
    },
  );
  app.get<{ Params: { '*': string } }>(
    '/v1beta/models/*',
    { config, schema: { summary: 'One model, Gemini shape.', tags: ['gemini'], response: { 200: GeminiModelSchema } } },
    function model(request, reply) {
      const id = decodeURIComponent(request.params['*']).replace(/^models\//, '');
      const found = listModels(gateway).find((item) => item.id === id);
      if (found === undefined)
        throw new GatewayError('model_not_found', `The model '${id}' is not in this gateway's list.`, {
          param: 'model',
        });
      return reply.type('application/json').send(JSON.stringify(toGoogleModel(found)));
    },
  );
}
