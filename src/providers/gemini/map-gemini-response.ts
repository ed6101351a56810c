import { randomUUID } from 'node:crypto';
import type { AssistantContentPart } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { FinishReason } from '../../formats/internal/finish-reason.ts';
import type { Usage } from '../../formats/internal/usage.ts';
import { invalidResponse } from '../shared/parse-upstream-json.ts';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-api.ts';
import { toolCallIdWithSignature } from './gemini-tool-call-id.ts';

const contentFilter = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** Gemini's finish reason; function calls come back as `STOP`, so they are told apart by the parts. */
export function mapGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (reason === 'STOP' || reason === undefined)) return 'tool-calls';
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && contentFilter.has(reason)) return 'content-filter';
  return 'other';
}

/** `candidatesTokenCount` excludes thinking; output here includes it, as OpenAI's does. */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: usage?.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

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
