import type { ChatResponse } from '../internal/chat-response.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { functionCallArgs } from './function-call-args.ts';
import type { GeminiPart } from './gemini-api.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';

/**
 * A canonical response as Gemini's `GenerateContentResponse`: one candidate whose parts are the
 * reasoning (`thought: true`), the text and the function calls (with their ids, which Gemini callers
 * send back in `functionResponse.id`).
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function encodeGeminiResponse(response: ChatResponse, model: string): Record<string, unknown> {
  const parts: GeminiPart[] = [];
  for (const part of response.content) {
    if (part.type === 'text') parts.push({ text: part.text });
    else if (part.type === 'reasoning') parts.push({ text: part.text, thought: true });
    else if (part.type === 'tool-call')
      parts.push({
        functionCall: { id: part.id, name: part.name, args: functionCallArgs(part.arguments) },
      });
  }
  return {
    candidates: [
      { content: { role: 'model', parts }, finishReason: mapFinishReasonToGemini(response.finishReason), index: 0 },
    ],
    usageMetadata: encodeGeminiUsage(response.usage),
    modelVersion: model,
    responseId: response.id,
  };
}
