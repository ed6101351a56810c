import { GatewayError } from '../../errors/gateway-error.ts';
import { invalidResponse } from '../../errors/upstream-error.ts';
import { isObject } from '../shared/json-reader.ts';

/** OpenAI `input` → the texts to embed; token-id arrays have no Gemini equivalent. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item): item is string => typeof item === 'string')) return input;
  throw new GatewayError(
    'unsupported_parameter',
    'Gemini embeds text only: give `input` as a string or an array of strings.',
    {
      param: 'input',
    },
  );
}

/** An OpenAI embeddings request → Gemini `batchEmbedContents`. */
export function toGeminiEmbeddingsRequest(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : undefined;
  return {
    requests: embeddingInputs(body['input']).map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
    })),
  };
}

/**
 * Gemini `{embeddings: [{values}]}` → OpenAI's embeddings list. Gemini reports no token counts, so usage
 * is an estimate (four characters a token), enough for budgets to count embeddings at all.
 */
export function toOpenAIEmbeddingsBody(
  answer: Buffer,
  request: Record<string, unknown>,
  model: string,
  provider: string,
): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.toString('utf8'));
  } catch {
    throw invalidResponse(provider, 'body is not JSON');
  }
  const embeddings = isObject(parsed) ? parsed['embeddings'] : undefined;
  if (!Array.isArray(embeddings)) throw invalidResponse(provider, 'embeddings is missing');
  const characters = embeddingInputs(request['input']).reduce((sum, text) => sum + text.length, 0);
  const tokens = Math.ceil(characters / 4);
  return Buffer.from(
    JSON.stringify({
      object: 'list',
      data: embeddings.map((item: unknown, index) => {
        const values = isObject(item) ? item['values'] : undefined;
        return { object: 'embedding', index, embedding: Array.isArray(values) ? values : [] };
      }),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  );
}
