import type { GeminiResponse } from '../../formats/gemini/gemini-api.ts';
import { invalidResponse } from '../../formats/shared/parse-upstream-json.ts';

/** Parses a `GenerateContentResponse` body, leniently: only what the gateway reads is checked. */
export function parseGeminiResponse(text: string, provider: string): GeminiResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidResponse(provider, 'body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidResponse(provider, 'body is not a GenerateContentResponse object');
  const response = value as GeminiResponse;
  if (response.candidates !== undefined && !Array.isArray(response.candidates))
    throw invalidResponse(provider, 'candidates is not an array');
  return response;
}
