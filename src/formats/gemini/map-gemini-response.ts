import { randomUUID } from 'node:crypto';
import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import type { GeminiResponse } from './gemini-api.ts';
import { toolCallIdWithSignature } from './gemini-tool-call-id.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';

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
