import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import type { Warning } from '../internal/warning.ts';
import { encodeAnthropicUsage } from './encode-anthropic-usage.ts';
import { encodeToolInput } from './encode-tool-input.ts';
import { mapFinishReasonToAnthropic } from './map-finish-reason-to-anthropic.ts';
import { sanitizeToolId } from './sanitize-tool-id.ts';

/** Anthropic message ids start with `msg_`; ids of other formats are kept after that prefix. */
export function anthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id.replace(/[^a-zA-Z0-9_-]/g, '_') || 'gateway'}`;
}

/**
 * Canonical response → Anthropic `Message`: reasoning as thinking blocks (with their signature, or an
 * empty one when the provider gives none), text, and tool_use blocks with parsed `input` objects.
 */
export function encodeAnthropicMessage(response: ChatResponse, warnings: Warning[]): object {
  return {
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: response.content.map((part) => encodeBlock(part, warnings)),
    stop_reason: mapFinishReasonToAnthropic(response.finishReason),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeAnthropicUsage(response.usage),
  };
}

function encodeBlock(part: AssistantContentPart, warnings: Warning[]): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted-reasoning':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: sanitizeToolId(part.id),
        name: part.name,
        input: encodeToolInput(part.arguments, warnings),
      };
  }
}
