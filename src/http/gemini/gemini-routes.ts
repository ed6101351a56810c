import type { FastifyInstance } from 'fastify';
import { GatewayError, invalidRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { countGeminiTokens } from './count-gemini-tokens.ts';
import { embedGeminiContent } from './embed-gemini-content.ts';
import { registerGeminiModelsRoutes } from './gemini-models.ts';
import { GeminiAnswerSchema, GeminiBodySchema, GoogleErrorSchema } from './gemini-schemas.ts';
import { generateContent } from './generate-content.ts';

/**
 * `models/{model}:{method}` → the model and the method. The model may hold a slash (`openai/gpt-4o`:
 * `@google/genai` puts it in the path as is) and arrive percent-encoded.
 */
function parseModelPath(path: string): { model: string; method: string } {
  const decoded = decodeURIComponent(path);
  const at = decoded.lastIndexOf(':');
  if (at <= 0) throw new GatewayError('route_not_found', `No Gemini method in models/${decoded}.`);
  return { model: decoded.slice(0, at), method: decoded.slice(at + 1) };
}

/**
 * The Gemini API as a way in, under `/v1beta` and `/v1` (the `@google/genai` default): `generateContent`,
 * `streamGenerateContent`, `countTokens`, `embedContent` and `batchEmbedContents` on any configured
 * model, and the model list. Keys are read from `x-goog-api-key`, `?key=` or `Authorization: Bearer`;
 * errors come back as `{error: {code, message, status}}`.
 * @see https://ai.google.dev/api/generate-content
 */
export function registerGeminiRoutes(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
  for (const prefix of ['/v1beta', '/v1']) {
    app.post<{ Params: { '*': string } }>(
      `${prefix}/models/*`,
      {
        config: { errorShape: 'google', governed: true, admitted: true, credentials: 'google' },
        schema: {
          summary: 'Gemini generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents.',
          tags: ['gemini'],
          body: GeminiBodySchema,
          response: { 200: GeminiAnswerSchema, '4xx': GoogleErrorSchema, '5xx': GoogleErrorSchema },
        },
      },
      async function gemini(request, reply) {
        const { model, method } = parseModelPath(request.params['*']);
        const body = request.body;
        if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.');
        const call = { request, reply, body, model, gateway, governance };
        switch (method) {
          case 'generateContent':
            return generateContent({ ...call, stream: false });
          case 'streamGenerateContent':
            return generateContent({ ...call, stream: true });
          case 'countTokens':
            return countGeminiTokens(call);
          case 'embedContent':
            return embedGeminiContent({ ...call, batch: false });
          case 'batchEmbedContents':
            return embedGeminiContent({ ...call, batch: true });
          default:
            throw new GatewayError('route_not_found', `The Gemini method '${method}' is not served here.`);
        }
      },
    );
  }
  registerGeminiModelsRoutes(app, gateway);
}
