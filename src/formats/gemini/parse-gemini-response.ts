import { compileChecker } from '../shared/json-checker.ts';
import { parseUpstreamJson } from '../shared/parse-upstream-json.ts';
import type { GeminiResponse } from './gemini-api.ts';
import { GeminiResponseSchema } from './gemini-response-schema.ts';

/** Checks a `GenerateContentResponse` leniently: only what the gateway reads. */
export const geminiResponseChecker = compileChecker(GeminiResponseSchema);

/** Parses a `GenerateContentResponse` body; an unreadable one is a 502 saying what was wrong. */
export function parseGeminiResponse(text: string, provider: string): GeminiResponse {
  return parseUpstreamJson(text, geminiResponseChecker, provider);
}
