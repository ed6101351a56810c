import { UpstreamError } from '../../errors/upstream-error.ts';
import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import { emptyUsage } from '../internal/usage.ts';
import { isObject, type JsonObject } from '../shared/json-reader.ts';
import { signatureOfReasoningItem } from './openai-reasoning-signature.ts';
import { mapResponsesFinishReason, readResponsesUsage } from './read-responses-usage.ts';

/**
 * A Responses API answer → the canonical response: messages' `output_text` (and refusals) as text,
 * `function_call`/`custom_tool_call` as tool calls (a custom tool's `input` as `{"input": …}`),
 * reasoning summaries as reasoning with the item carried in the signature. An unreadable body is a 502.
 */
export function mapResponsesResponse(text: string, provider: string): ChatResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable(provider, 'the body is not JSON');
  }
  if (!isObject(value) || !Array.isArray(value['output'])) throw unreadable(provider, 'no output array');
  return {
    id: typeof value['id'] === 'string' ? value['id'] : '',
    model: typeof value['model'] === 'string' ? value['model'] : '',
    created: typeof value['created_at'] === 'number' ? Math.floor(value['created_at']) : Math.floor(Date.now() / 1000),
    content: value['output'].flatMap((item) => (isObject(item) ? contentOf(item) : [])),
    finishReason: mapResponsesFinishReason(value),
    rawFinishReason: typeof value['status'] === 'string' ? value['status'] : undefined,
    stopSequence: undefined,
    usage: readResponsesUsage(value['usage']) ?? emptyUsage(),
  };
}

/** The canonical parts of one output item. */
export function contentOf(item: JsonObject): AssistantContentPart[] {
  switch (item['type']) {
    case 'message': {
      const content = Array.isArray(item['content']) ? item['content'] : [];
      return content.flatMap((part): AssistantContentPart[] => {
        if (!isObject(part)) return [];
        if (part['type'] === 'output_text' && typeof part['text'] === 'string')
          return [{ type: 'text', text: part['text'] }];
        if (part['type'] === 'refusal' && typeof part['refusal'] === 'string') {
          return [{ type: 'text', text: part['refusal'] }];
        }
        return [];
      });
    }
    case 'reasoning': {
      const summary = Array.isArray(item['summary']) ? item['summary'] : [];
      const text = summary
        .map((entry) => (isObject(entry) && typeof entry['text'] === 'string' ? entry['text'] : ''))
        .join('\n\n');
      const encrypted = item['encrypted_content'];
      const id = item['id'];
      return [
        typeof encrypted === 'string' && typeof id === 'string'
          ? { type: 'reasoning', text, signature: signatureOfReasoningItem(id, encrypted) }
          : { type: 'reasoning', text },
      ];
    }
    case 'function_call':
      return [
        {
          type: 'tool-call',
          id: String(item['call_id'] ?? ''),
          name: String(item['name'] ?? ''),
          arguments: typeof item['arguments'] === 'string' ? item['arguments'] : '{}',
        },
      ];
    case 'custom_tool_call':
      return [
        {
          type: 'tool-call',
          id: String(item['call_id'] ?? ''),
          name: String(item['name'] ?? ''),
          arguments: JSON.stringify({ input: typeof item['input'] === 'string' ? item['input'] : '' }),
        },
      ];
    default:
      return [];
  }
}

function unreadable(provider: string, message: string): UpstreamError {
  return new UpstreamError({
    provider,
    upstreamStatus: 200,
    upstreamMessage: `unreadable Responses answer: ${message}`,
    failure: 'invalid-response',
  });
}
