import { GatewayError } from '../../errors/gateway-error.ts';
import type { ForwardRequest } from '../provider.ts';

/**
 * The Gemini method and body for a Gemini caller's forwarded request. The model travels in `body.model`
 * through the gateway (rewritten per target) and goes upstream in the path; batch embedding requests
 * and a counted `generateContentRequest` name it once more, rewritten the same way.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export function nativeCall(request: ForwardRequest): { path: string; body: Record<string, unknown> } {
  const { model, ...body } = request.body;
  const name = typeof model === 'string' ? model : '';
  const path = `/models/${encodeURIComponent(name)}:`;
  switch (request.operation) {
    case 'chat':
      return { path: path + (request.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'), body };
    case 'count-tokens': {
      // A whole request to count names its model too (`models/…`), which must match the path's.
      const counted = body['generateContentRequest'];
      if (typeof counted !== 'object' || counted === null) return { path: `${path}countTokens`, body };
      return {
        path: `${path}countTokens`,
        body: { ...body, generateContentRequest: { ...counted, model: `models/${name}` } },
      };
    }
    case 'embeddings': {
      const requests = body['requests'];
      if (!Array.isArray(requests)) return { path: `${path}embedContent`, body };
      const items = requests.map((item: unknown) =>
        typeof item === 'object' && item !== null ? { ...item, model: `models/${name}` } : item,
      );
      return { path: `${path}batchEmbedContents`, body: { ...body, requests: items } };
    }
    case 'responses':
      // Never asked: the Gemini provider does not offer it (`forwards`), so Responses callers are translated.
      throw new GatewayError('unsupported_operation', 'The Gemini API has no Responses endpoint.');
  }
}
