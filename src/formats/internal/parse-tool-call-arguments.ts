import { invalidRequest } from '../../errors/gateway-error.ts';
import { isObject } from '../shared/json-reader.ts';
import type { AssistantContentPart, ToolCallPart } from './chat-request.ts';

/**
 * A tool call's arguments as the JSON object every provider's API takes (Anthropic `input`, Gemini
 * `args`, Bedrock `input`). Empty text is no arguments; text that is not a JSON object is the caller's
 * 400 naming the tool call — never sent as `{}` — the one rule for every provider.
 */
export function parseToolCallArguments(
  part: ToolCallPart,
  message: { index: number; content: readonly AssistantContentPart[] },
): Record<string, unknown> {
  if (part.arguments.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(part.arguments);
    if (isObject(value)) return value;
  } catch {
    // Reported below.
  }
  // The position among the message's tool calls, as the caller wrote them (`tool_calls[n]`).
  const call = message.content.filter((item) => item.type === 'tool-call').indexOf(part);
  const param = `messages[${message.index}].tool_calls[${call}]`;
  throw invalidRequest(
    `${param}.function.arguments of tool call '${part.id}' (${part.name}) must be a JSON object; it is not valid JSON or not an object.`,
    param,
  );
}
