import { encodeCarriedReasoning } from './reasoning-carrier.ts';
import { responsesId } from './responses-ids.ts';
import { type ResponsesToolNames, restoreToolName } from './responses-tool-names.ts';
import type { CustomToolCallItem, FunctionCallItem, MessageItem, ReasoningItem } from './responses-types.ts';

/** Output items as canonical parts become them; the stream encoder and the response encoder share these. */

export function messageItem(text: string, status: MessageItem['status']): MessageItem {
  return {
    type: 'message',
    id: responsesId('msg'),
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [outputText(text)],
  };
}

export function outputText(text: string): MessageItem['content'][number] {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A reasoning item; a signature (Anthropic) travels in `encrypted_content` with the text it signs. */
export function reasoningItem(text: string, signature: string | undefined): ReasoningItem {
  const item: ReasoningItem = {
    type: 'reasoning',
    id: responsesId('rs'),
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
  };
  if (signature !== undefined) item.encrypted_content = encodeCarriedReasoning({ kind: 'thinking', text, signature });
  return item;
}

export function redactedReasoningItem(data: string): ReasoningItem {
  return {
    type: 'reasoning',
    id: responsesId('rs'),
    summary: [],
    encrypted_content: encodeCarriedReasoning({ kind: 'redacted', data }),
  };
}

/**
 * A tool call under the caller's own tool name: a `function_call` (with its `namespace` when it came
 * from a namespace tool) or a `custom_tool_call` whose `input` is the text of the one argument.
 */
export function toolCallItem(
  call: { id: string; name: string; arguments: string },
  names: ResponsesToolNames,
  status: FunctionCallItem['status'],
): FunctionCallItem | CustomToolCallItem {
  const tool = restoreToolName(names, call.name);
  const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
  if (tool.kind === 'custom') {
    return {
      type: 'custom_tool_call',
      id: responsesId('ctc'),
      status,
      call_id: call.id,
      name: tool.name,
      input: customInputOf(call.arguments),
      ...namespace,
    };
  }
  return {
    type: 'function_call',
    id: responsesId('fc'),
    status,
    call_id: call.id,
    name: tool.name,
    arguments: call.arguments,
    ...namespace,
  };
}

/** The free-form text of a custom tool call, from the `{"input": …}` arguments it was carried in. */
export function customInputOf(argumentsText: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (typeof parsed === 'object' && parsed !== null && 'input' in parsed && typeof parsed.input === 'string') {
      return parsed.input;
    }
  } catch {
    // Not the JSON we asked for: the model's text is the best input there is.
  }
  return argumentsText;
}
