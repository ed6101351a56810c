import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { parseUpstreamJson } from '../shared/parse-upstream-json.ts';
import {
  type AnthropicMessage,
  AnthropicMessageSchema,
  type AnthropicResponseBlock,
} from './anthropic-messages-api.ts';
import { convertAnthropicUsage } from './convert-anthropic-usage.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

const messageChecker = compileChecker(AnthropicMessageSchema);

export function parseAnthropicMessage(text: string, provider: string): AnthropicMessage {
  return parseUpstreamJson(text, messageChecker, provider);
}

/** Anthropic `Message` → canonical. Server-tool blocks (web search results and the like) are not carried. */
export function mapAnthropicResponse(message: AnthropicMessage, created = Math.floor(Date.now() / 1000)): ChatResponse {
  return {
    id: message.id,
    model: message.model,
    created,
    content: message.content.flatMap(convertBlock),
    finishReason: mapAnthropicStopReason(message.stop_reason),
    rawFinishReason: message.stop_reason ?? undefined,
    stopSequence: message.stop_sequence ?? undefined,
    usage: convertAnthropicUsage(message.usage),
  };
}

function convertBlock(block: AnthropicResponseBlock): AssistantContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text ?? '' }];
    case 'thinking':
      return [
        block.signature === undefined
          ? { type: 'reasoning', text: block.thinking ?? '' }
          : { type: 'reasoning', text: block.thinking ?? '', signature: block.signature },
      ];
    case 'redacted_thinking':
      return [{ type: 'redacted-reasoning', data: block.data ?? '' }];
    case 'tool_use':
      return [
        {
          type: 'tool-call',
          id: block.id ?? '',
          name: block.name ?? '',
          arguments: JSON.stringify(block.input ?? {}),
        },
      ];
    default:
      return [];
  }
}
