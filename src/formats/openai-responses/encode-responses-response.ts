import type { ChatResponse } from '../internal/chat-response.ts';
import { messageItem, reasoningItem, redactedReasoningItem, toolCallItem } from './build-output-items.ts';
import { encodeResponsesUsage } from './encode-responses-usage.ts';
import { buildResponseObject, type ResponseEnvelope, statusFor } from './responses-envelope.ts';
import type { ResponsesToolNames } from './responses-tool-names.ts';
import type { OutputItem, ResponseObject } from './responses-types.ts';

/**
 * A canonical answer → a Responses `response` object: one output item per part, in order (reasoning,
 * messages, calls), tool names restored to the caller's, and `incomplete` for a cut-off answer.
 */
export function encodeResponsesResponse(
  response: ChatResponse,
  envelope: ResponseEnvelope,
  toolNames: ResponsesToolNames,
): ResponseObject {
  const output: OutputItem[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        output.push(messageItem(part.text, 'completed'));
        break;
      case 'reasoning':
        output.push(reasoningItem(part.text, part.signature));
        break;
      case 'redacted-reasoning':
        output.push(redactedReasoningItem(part.data));
        break;
      case 'tool-call':
        output.push(toolCallItem(part, toolNames, 'completed'));
        break;
    }
  }
  return buildResponseObject(envelope, {
    ...statusFor(response.finishReason),
    output,
    usage: encodeResponsesUsage(response.usage),
  });
}
