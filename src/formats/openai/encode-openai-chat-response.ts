import type { ChatResponse } from '../internal/chat-response.ts';
import { encodeOpenAIUsage } from './encode-openai-usage.ts';
import { mapFinishReasonToOpenAI } from './map-finish-reason-to-openai.ts';

/** OpenAI ids start with `chatcmpl-`; upstream ids of other formats are kept after that prefix. */
export function openAICompletionId(id: string): string {
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`;
}

/**
 * Canonical response → OpenAI `chat.completion`. Text parts are joined; reasoning goes in the
 * non-standard `reasoning_content` field (as DeepSeek and vLLM send it), which SDKs pass through.
 */
export function encodeOpenAIChatResponse(response: ChatResponse): object {
  let text = '';
  let reasoning = '';
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const part of response.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'tool-call') {
      toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
    }
  }
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (reasoning !== '') message['reasoning_content'] = reasoning;
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  return {
    id: openAICompletionId(response.id),
    object: 'chat.completion',
    created: response.created,
    model: response.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapFinishReasonToOpenAI(response.finishReason) }],
    usage: encodeOpenAIUsage(response.usage),
  };
}
