import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, invalidRequest } from '../../errors/gateway-error.ts';
import { readOpenAIUsage } from '../../formats/openai/convert-openai-usage.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';
import { readTrailingObject } from '../shared/read-trailing-object.ts';

/** The text of one `EmbedContentRequest.content`. */
function textOf(content: unknown, path: string): string {
  if (!isObject(content) || !Array.isArray(content['parts'])) throw invalidRequest(`${path}.parts is required.`, path);
  return content['parts']
    .map((part) => (isObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('');
}

/**
 * `embedContent` and `batchEmbedContents`. A model whose first target is a Gemini provider gets the
 * caller's body; any other (OpenAI-format embedding models) an OpenAI embeddings call, its vectors
 * returned in Gemini's shape. Gemini reports no token counts: usage is estimated, four characters a token.
 * @see https://ai.google.dev/api/embeddings
 */
export async function embedGeminiContent(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  body: JsonObject;
  model: string;
  batch: boolean;
  gateway: Gateway;
  governance: Governance;
}): Promise<FastifyReply> {
  const { request, reply, body, model, batch, gateway, governance } = options;
  const { record } = request;
  record.model = model;
  const items: JsonObject[] = batch
    ? (Array.isArray(body['requests']) ? body['requests'] : []).map((item, index) => {
        if (!isObject(item)) throw invalidRequest(`requests[${index}] must be an object.`, `requests[${index}]`);
        return item;
      })
    : [body];
  if (items.length === 0) throw invalidRequest('requests must hold at least one request.', 'requests');
  const texts = items.map((item, index) => textOf(item['content'], batch ? `requests[${index}].content` : 'content'));
  await admitRequest(governance, request, reply, { model, maxOutputTokens: 0 });
  const estimated = Math.ceil(texts.reduce((sum, text) => sum + text.length, 0) / 4);
  const target = gateway.models.resolve(model).targets[0];
  const native = target !== undefined && gateway.providers.get(target.provider).wireFormat === 'gemini';
  const call = { model, record, signal: request.callerSignal, forwardedHeaders: {} } as const;
  if (native) {
    const response = await gateway.forward({ ...call, surface: 'gemini', operation: 'embeddings', body });
    setGatewayHeaders(reply, record);
    record.usage = {
      inputTokens: estimated,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    priceResponse(reply, record, governance);
    return reply.type('application/json').send(response.body);
  }
  const dimensions = items[0]?.['outputDimensionality'];
  const response = await gateway.forward({
    ...call,
    surface: 'openai-chat',
    operation: 'embeddings',
    body: { model, input: texts, ...(typeof dimensions === 'number' ? { dimensions } : {}) },
  });
  setGatewayHeaders(reply, record);
  const text = response.body.toString('utf8');
  record.usage = readOpenAIUsage(readTrailingObject(text, 'usage'));
  priceResponse(reply, record, governance);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError(
      'upstream_error',
      `Provider '${record.provider ?? 'upstream'}' answered embeddings with a body that is not JSON.`,
    );
  }
  const data = isObject(parsed) && Array.isArray(parsed['data']) ? parsed['data'] : [];
  const embeddings = data.map((item: unknown) => ({
    values: isObject(item) && Array.isArray(item['embedding']) ? item['embedding'] : [],
  }));
  const answer = batch ? { embeddings } : { embedding: embeddings[0] ?? { values: [] } };
  return reply.type('application/json').send(JSON.stringify(answer));
}
