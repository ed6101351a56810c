import { randomUUID } from 'node:crypto';
import { convertGeminiUsage } from '../../formats/gemini/convert-gemini-usage.ts';
import type { GeminiResponse } from '../../formats/gemini/gemini-api.ts';
import { toolCallIdWithSignature } from '../../formats/gemini/gemini-tool-call-id.ts';
import { mapGeminiFinishReason } from '../../formats/gemini/map-gemini-finish-reason.ts';
import type { AssistantContentPart } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import { invalidResponse } from '../shared/parse-upstream-json.ts';

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

/** A whole Gemini answer → canonical response (first candidate). */
export function mapGeminiResponse(response: GeminiResponse, model: string): ChatResponse {
  const candidate = response.candidates?.[0];
  const content: AssistantContentPart[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.functionCall !== undefined) {
      content.push({
        type: 'tool-call',
        id: toolCallIdWithSignature(part.thoughtSignature),
        name: part.functionCall.name,
        arguments: JSON.stringify(part.functionCall.args ?? {}),
      });
    } else if (typeof part.text === 'string') {
      content.push(part.thought === true ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text });
    }
  }
  const hasToolCalls = content.some((part) => part.type === 'tool-call');
  const blocked = candidate === undefined && response.promptFeedback?.blockReason !== undefined;
  const rawFinishReason = candidate?.finishReason ?? response.promptFeedback?.blockReason;
  return {
    id: response.responseId ?? `gemini-${randomUUID()}`,
    model: response.modelVersion ?? model,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: blocked ? 'content-filter' : mapGeminiFinishReason(candidate?.finishReason, hasToolCalls),
    rawFinishReason,
    stopSequence: undefined,
    usage: convertGeminiUsage(response.usageMetadata),
  };
}
