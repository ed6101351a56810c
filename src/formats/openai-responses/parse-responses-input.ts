import { invalidRequest } from '../../errors/gateway-error.ts';
import type {
  AssistantContentPart,
  ChatMessage,
  FilePart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../internal/chat-request.ts';
import {
  isObject,
  type JsonObject,
  optionalString,
  parseDataUrl,
  readArray,
  readObject,
  readString,
} from '../shared/json-reader.ts';
import { decodeCarriedReasoning } from './reasoning-carrier.ts';
import { flatToolName } from './responses-tool-names.ts';
import type { ResponsesWarning } from './responses-warning.ts';

/**
 * `input` (a string, or items) → canonical messages in order. Consecutive assistant items (reasoning,
 * text, calls) make one assistant message and consecutive outputs one tool message, as every target
 * expects; `system` and `developer` messages become system messages where they stand.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function parseResponsesInput(value: unknown, warnings: ResponsesWarning[]): ChatMessage[] {
  if (typeof value === 'string') return [{ role: 'user', content: [{ type: 'text', text: value }] }];
  const messages: ChatMessage[] = [];
  readArray(value, 'input').forEach((item, index) => {
    addItem(messages, readObject(item, `input[${index}]`), `input[${index}]`, warnings);
  });
  return messages;
}

function addItem(messages: ChatMessage[], item: JsonObject, path: string, warnings: ResponsesWarning[]): void {
  const type = item['type'] === undefined ? 'message' : readString(item['type'], `${path}.type`);
  switch (type) {
    case 'message':
      addMessage(messages, item, path);
      return;
    case 'function_call': {
      const name = readString(item['name'], `${path}.name`);
      const namespace = optionalString(item['namespace'], `${path}.namespace`);
      appendAssistant(messages, {
        type: 'tool-call',
        id: readString(item['call_id'], `${path}.call_id`),
        name: flatToolName(name, namespace),
        arguments: readString(item['arguments'], `${path}.arguments`),
      });
      return;
    }
    case 'custom_tool_call': {
      const name = readString(item['name'], `${path}.name`);
      const namespace = optionalString(item['namespace'], `${path}.namespace`);
      appendAssistant(messages, {
        type: 'tool-call',
        id: readString(item['call_id'], `${path}.call_id`),
        name: flatToolName(name, namespace),
        arguments: JSON.stringify({ input: readString(item['input'], `${path}.input`) }),
      });
      return;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
      appendToolResult(messages, {
        type: 'tool-result',
        toolCallId: readString(item['call_id'], `${path}.call_id`),
        content: readToolOutput(item['output'], `${path}.output`),
      });
      return;
    case 'reasoning':
      addReasoning(messages, item, path);
      return;
    case 'item_reference':
      throw invalidRequest(
        'item_reference is not supported; send the item itself, or use previous_response_id.',
        `${path}.type`,
      );
    default:
      warnings.push({
        parameter: 'input',
        message: `The ${type} item (${path}) is a hosted tool's and has no equivalent on this model; it was left out.`,
      });
  }
}

function addMessage(messages: ChatMessage[], item: JsonObject, path: string): void {
  const role = readString(item['role'], `${path}.role`);
  const content = item['content'];
  switch (role) {
    case 'system':
    case 'developer':
      messages.push({ role: 'system', content: readTextParts(content, `${path}.content`) });
      return;
    case 'user':
      messages.push({ role: 'user', content: readUserParts(content, `${path}.content`) });
      return;
    case 'assistant':
      for (const part of readTextParts(content, `${path}.content`)) appendAssistant(messages, part);
      return;
    default:
      throw invalidRequest(`${path}.role must be user, assistant, system or developer.`, `${path}.role`);
  }
}

/** Text of a system, developer or assistant message: a string, or `input_text`/`output_text`/`refusal` parts. */
function readTextParts(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return readArray(value, path).map((item, index) => {
    const part = readObject(item, `${path}[${index}]`);
    const type = readString(part['type'], `${path}[${index}].type`);
    if (type === 'input_text' || type === 'output_text') {
      return { type: 'text', text: readString(part['text'], `${path}[${index}].text`) };
    }
    if (type === 'refusal') return { type: 'text', text: readString(part['refusal'], `${path}[${index}].refusal`) };
    throw invalidRequest(
      `${path}[${index}].type must be input_text, output_text or refusal here.`,
      `${path}[${index}].type`,
    );
  });
}

function readUserParts(value: unknown, path: string): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return readArray(value, path).map((item, index) =>
    readUserPart(readObject(item, `${path}[${index}]`), `${path}[${index}]`),
  );
}

function readUserPart(part: JsonObject, path: string): UserContentPart {
  const type = readString(part['type'], `${path}.type`);
  switch (type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: readString(part['text'], `${path}.text`) };
    case 'input_image':
      return readImage(part, path);
    case 'input_file':
      return readFile(part, path);
    default:
      throw invalidRequest(`${path}.type must be input_text, input_image or input_file.`, `${path}.type`);
  }
}

function readImage(part: JsonObject, path: string): ImagePart {
  const detail = part['detail'];
  const image: ImagePart = { type: 'image', source: { kind: 'url', url: '' } };
  if (detail === 'low' || detail === 'high' || detail === 'auto') image.detail = detail;
  const url = optionalString(part['image_url'], `${path}.image_url`);
  const fileId = optionalString(part['file_id'], `${path}.file_id`);
  if (url !== undefined) {
    const data = parseDataUrl(url);
    image.source = data === undefined ? { kind: 'url', url } : { kind: 'base64', ...data };
  } else if (fileId !== undefined) {
    image.source = { kind: 'file-id', fileId };
  } else {
    throw invalidRequest(`${path} needs image_url or file_id.`, `${path}.image_url`);
  }
  return image;
}

function readFile(part: JsonObject, path: string): FilePart {
  const filename = optionalString(part['filename'], `${path}.filename`);
  const fileData = optionalString(part['file_data'], `${path}.file_data`);
  const fileId = optionalString(part['file_id'], `${path}.file_id`);
  const fileUrl = optionalString(part['file_url'], `${path}.file_url`);
  let source: FilePart['source'];
  if (fileData !== undefined) {
    const data = parseDataUrl(fileData);
    source =
      data === undefined
        ? { kind: 'base64', mediaType: 'application/pdf', data: fileData }
        : { kind: 'base64', ...data };
  } else if (fileId !== undefined) {
    source = { kind: 'file-id', fileId };
  } else if (fileUrl !== undefined) {
    source = { kind: 'url', url: fileUrl };
  } else {
    throw invalidRequest(`${path} needs file_data, file_id or file_url.`, `${path}.file_data`);
  }
  return filename === undefined ? { type: 'file', source } : { type: 'file', source, filename };
}

function readToolOutput(value: unknown, path: string): ToolResultPart['content'] {
  if (typeof value === 'string') return value;
  return readArray(value, path).map((item, index) => {
    const part = readUserPart(readObject(item, `${path}[${index}]`), `${path}[${index}]`);
    return part;
  });
}

/**
 * A reasoning item comes back to the target that made it: our own `encrypted_content` holds the
 * thinking text and signature exactly; OpenAI's own encrypted reasoning only OpenAI can read, so the
 * summary text goes in its place (no target verifies unsigned reasoning, and most drop it).
 */
function addReasoning(messages: ChatMessage[], item: JsonObject, path: string): void {
  const encrypted = optionalString(item['encrypted_content'], `${path}.encrypted_content`);
  const carried = encrypted === undefined ? undefined : decodeCarriedReasoning(encrypted);
  if (carried?.kind === 'thinking') {
    appendAssistant(messages, { type: 'reasoning', text: carried.text, signature: carried.signature });
    return;
  }
  if (carried?.kind === 'redacted') {
    appendAssistant(messages, { type: 'redacted-reasoning', data: carried.data });
    return;
  }
  const summary = item['summary'] === undefined ? [] : readArray(item['summary'], `${path}.summary`);
  const text = summary
    .map((entry) => (isObject(entry) && typeof entry['text'] === 'string' ? entry['text'] : ''))
    .filter((entry) => entry !== '')
    .join('\n\n');
  if (text !== '') appendAssistant(messages, { type: 'reasoning', text });
}

function appendAssistant(messages: ChatMessage[], part: AssistantContentPart): void {
  const last = messages.at(-1);
  if (last?.role === 'assistant') last.content.push(part);
  else messages.push({ role: 'assistant', content: [part] });
}

function appendToolResult(messages: ChatMessage[], part: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === 'tool') last.content.push(part);
  else messages.push({ role: 'tool', content: [part] });
}
