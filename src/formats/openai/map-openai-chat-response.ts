import { invalidResponse, UpstreamError } from '../../errors/upstream-error.ts';
import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { convertOpenAIUsage } from './convert-openai-usage.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';
import { type OpenAIChatResponse, OpenAIChatResponseSchema } from './openai-chat-api.ts';
import { extractOpenAIError } from './openai-error.ts';

const responseChecker = compileChecker(OpenAIChatResponseSchema);

/** Parses an OpenAI Chat Completions body, including the `{"error": …}` some compatible APIs send with 200. */
export function parseOpenAIChatResponse(text: string, provider: string): OpenAIChatResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidResponse(provider, 'body is not JSON');
  }
  if (responseChecker.check(value)) return value;
  const details = extractOpenAIError(value);
  if (details.message !== undefined) {
    throw new UpstreamError({
      provider,
      upstreamStatus: 500,
      upstreamMessage: details.message,
      upstreamType: details.type,
    });
  }
  throw invalidResponse(provider, responseChecker.firstError(value) ?? 'unexpected shape');
}

/** OpenAI response → canonical. Only the first choice is read: translated calls never ask for more. */
export function mapOpenAIChatResponse(response: OpenAIChatResponse, provider: string): ChatResponse {
  const [choice] = response.choices;
  if (choice === undefined) throw invalidResponse(provider, 'response has no choices');
  const { message } = choice;
  const content: AssistantContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning != null && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  if (message.content != null && message.content !== '') content.push({ type: 'text', text: message.content });
  if (message.refusal != null && message.refusal !== '') content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: 'tool-call',
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments ?? '',
    });
  }
  return {
    id: response.id ?? '',
    model: response.model ?? '',
    created: response.created ?? Math.floor(Date.now() / 1000),
    content,
    finishReason: message.refusal != null ? 'content-filter' : mapOpenAIFinishReason(choice.finish_reason),
    rawFinishReason: choice.finish_reason ?? undefined,
    stopSequence: undefined,
    usage: convertOpenAIUsage(response.usage),
  };
}
