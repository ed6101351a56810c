import { randomUUID } from 'node:crypto';
import type { AssistantContentPart } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { FinishReason } from '../../formats/internal/finish-reason.ts';
import type { Usage } from '../../formats/internal/usage.ts';
import { invalidResponse } from '../../formats/shared/parse-upstream-json.ts';

export interface BedrockUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

type Block = Record<string, unknown>;

export function mapBedrockStopReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'tool_use':
      return 'tool-calls';
    case 'max_tokens':
      return 'length';
    case 'stop_sequence':
      return 'stop-sequence';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    case 'model_context_window_exceeded':
      return 'context-window-exceeded';
    default:
      return 'other';
  }
}

export function convertBedrockUsage(usage: BedrockUsage | undefined): Usage {
  return {
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cacheReadTokens: usage?.cacheReadInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteInputTokens ?? 0,
    reasoningTokens: 0,
  };
}

function isObject(value: unknown): value is Block {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `ConverseResponse` body → canonical response. */
export function mapBedrockResponse(text: string, model: string, provider: string): ChatResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidResponse(provider, 'body is not JSON');
  }
  if (!isObject(body)) throw invalidResponse(provider, 'body is not a ConverseResponse');
  const output = body['output'];
  const message = isObject(output) ? output['message'] : undefined;
  const blocks = isObject(message) && Array.isArray(message['content']) ? (message['content'] as unknown[]) : undefined;
  if (blocks === undefined) throw invalidResponse(provider, 'output.message.content is missing');
  const content: AssistantContentPart[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (typeof block['text'] === 'string') content.push({ type: 'text', text: block['text'] });
    const toolUse = block['toolUse'];
    if (isObject(toolUse))
      content.push({
        type: 'tool-call',
        id: String(toolUse['toolUseId']),
        name: String(toolUse['name']),
        arguments: JSON.stringify(toolUse['input'] ?? {}),
      });
    const reasoning = block['reasoningContent'];
    if (isObject(reasoning) && isObject(reasoning['reasoningText'])) {
      const { text: thought, signature } = reasoning['reasoningText'];
      content.push({
        type: 'reasoning',
        text: typeof thought === 'string' ? thought : '',
        ...(typeof signature === 'string' ? { signature } : {}),
      });
    }
  }
  const stopReason = typeof body['stopReason'] === 'string' ? body['stopReason'] : undefined;
  return {
    id: `bedrock-${randomUUID()}`,
    model,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: mapBedrockStopReason(stopReason),
    rawFinishReason: stopReason,
    stopSequence: undefined,
    usage: convertBedrockUsage(isObject(body['usage']) ? (body['usage'] as BedrockUsage) : undefined),
  };
}
