import type { FastifyRequest } from 'fastify';
import { credentialOf } from '../../governance/authenticator.ts';

export const googleKeyMissing =
  'A gateway key is required: send it as x-goog-api-key, ?key= or Authorization: Bearer <key>.';

/**
 * The caller's gateway key on a Gemini route: `x-goog-api-key` (`@google/genai`), the `key` query
 * parameter (REST examples, curl), or `Authorization: Bearer` (Gemini CLI in gateway mode, which may
 * send an empty `x-goog-api-key` beside it). Never forwarded upstream.
 */
export function googleCredentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-goog-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const query = request.query as Record<string, unknown> | undefined;
  const key = query?.['key'];
  if (typeof key === 'string' && key !== '') return key;
  return credentialOf(request.headers);
}
