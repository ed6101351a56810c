import { invalidRequest } from '../../errors/gateway-error.ts';
import type {
  AssistantContentPart,
  CacheControl,
  ChatMessage,
  ChatRequest,
  FilePart,
  ImagePart,
  MediaSource,
  ReasoningConfig,
  ReasoningEffort,
  TextPart,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../internal/chat-request.ts';
import type { Warning } from '../internal/warning.ts';
import {
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  optionalStringList,
  readArray,
  readObject,
  readString,
} from '../shared/json-reader.ts';

/** Fields read, or accepted as having no meaning elsewhere; anything else is reported as a warning. */
const understoodFields = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'metadata',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  // Anthropic serving options with no meaning at another provider: accepted, not sent.
  'service_tier',
  'cache_control',
  'inference_geo',
]);

const efforts: readonly ReasoningEffort[] = ['low', 'medium', 'high', 'xhigh', 'max'];

function isEffort(value: unknown): value is ReasoningEffort {
  return typeof value === 'string' && (efforts as readonly string[]).includes(value);
}

/**
 * Anthropic Messages request → canonical request, for providers of another format. Keeps the order of
 * system messages (Claude Code sends one mid-conversation) and of multi-block user turns; splits a
 * user turn's `tool_result` blocks into a tool message ahead of its other content; reports what
 * cannot be carried (server tools, context management, unknown blocks) as warnings.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function parseAnthropicMessagesRequest(
  body: JsonObject,
  upstreamModel: string,
  warnings: Warning[],
): ChatRequest {
  for (const key of Object.keys(body)) {
    if (!understoodFields.has(key) && body[key] !== null) {
      warnings.push({ parameter: key, message: `${key} has no equivalent at this provider; it was not sent.` });
    }
  }
  const messages: ChatMessage[] = [];
  const system = body['system'];
  if (system !== undefined && system !== null)
    messages.push({ role: 'system', content: parseSystem(system, 'system') });
  readArray(body['messages'], 'messages').forEach((item, index) => {
    messages.push(...parseMessage(item, `messages[${index}]`, warnings));
  });
  const request: ChatRequest = { model: upstreamModel, messages };
  const maxTokens = optionalInteger(body['max_tokens'], 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  assign(request, 'temperature', optionalNumber(body['temperature'], 'temperature'));
  assign(request, 'topP', optionalNumber(body['top_p'], 'top_p'));
  assign(request, 'topK', optionalInteger(body['top_k'], 'top_k'));
  assign(request, 'stopSequences', optionalStringList(body['stop_sequences'], 'stop_sequences'));
  if (isObject(body['metadata']))
    assign(request, 'user', optionalString(body['metadata']['user_id'], 'metadata.user_id'));
  const tools = parseTools(body['tools'], warnings);
  assign(request, 'tools', tools);
  if (tools !== undefined) parseToolChoice(body['tool_choice'], request);
  const outputConfig = isObject(body['output_config']) ? body['output_config'] : {};
  assign(request, 'reasoning', parseThinking(body['thinking'], outputConfig['effort']));
  if (isObject(outputConfig['format']) && outputConfig['format']['type'] === 'json_schema') {
    request.responseFormat = {
      type: 'json-schema',
      schema: readObject(outputConfig['format']['schema'], 'output_config.format.schema'),
    };
  }
  return request;
}

function assign<K extends keyof ChatRequest>(request: ChatRequest, key: K, value: ChatRequest[K] | undefined): void {
  if (value !== undefined) request[key] = value;
}

function parseSystem(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return readArray(value, path).map((item, index) => {
    const block = readObject(item, `${path}[${index}]`);
    if (block['type'] !== 'text')
      throw invalidRequest(`${path}[${index}].type must be 'text'.`, `${path}[${index}].type`);
    return textPart(block, `${path}[${index}]`);
  });
}

function parseMessage(value: unknown, path: string, warnings: Warning[]): ChatMessage[] {
  const message = readObject(value, path);
  const role = readString(message['role'], `${path}.role`);
  const content = message['content'];
  const blocks: JsonObject[] =
    typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : readArray(content, `${path}.content`).map((item, index) => readObject(item, `${path}.content[${index}]`));
  switch (role) {
    case 'user':
      return parseUserTurn(blocks, path, warnings);
    case 'assistant':
      return [{ role: 'assistant', content: parseAssistantBlocks(blocks, path, warnings) }];
    case 'system':
      // The mid-conversation system message of the `mid-conversation-system-2026-04-07` beta, kept in place.
      return [{ role: 'system', content: parseSystem(content, `${path}.content`) }];
    default:
      throw invalidRequest(`${path}.role must be 'user' or 'assistant'.`, `${path}.role`);
  }
}

/** A user turn may hold tool results and new input; the results become a tool message that comes first. */
function parseUserTurn(blocks: JsonObject[], path: string, warnings: Warning[]): ChatMessage[] {
  const results: ToolResultPart[] = [];
  const parts: UserContentPart[] = [];
  blocks.forEach((block, index) => {
    const where = `${path}.content[${index}]`;
    switch (block['type']) {
      case 'tool_result':
        results.push(parseToolResult(block, where));
        break;
      case 'text':
        parts.push(textPart(block, where));
        break;
      case 'image':
        parts.push(imagePart(block, where));
        break;
      case 'document':
        parts.push(documentPart(block, where));
        break;
      default:
        warnings.push({
          parameter: 'content',
          message: `${where}: ${String(block['type'])} blocks cannot be translated; left out.`,
        });
    }
  });
  const messages: ChatMessage[] = [];
  if (results.length > 0) messages.push({ role: 'tool', content: results });
  if (parts.length > 0) messages.push({ role: 'user', content: parts });
  return messages;
}

function parseAssistantBlocks(blocks: JsonObject[], path: string, warnings: Warning[]): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  blocks.forEach((block, index) => {
    const where = `${path}.content[${index}]`;
    switch (block['type']) {
      case 'text':
        parts.push(textPart(block, where));
        break;
      case 'thinking': {
        const signature = optionalString(block['signature'], `${where}.signature`);
        const text = readString(block['thinking'], `${where}.thinking`);
        parts.push(signature === undefined ? { type: 'reasoning', text } : { type: 'reasoning', text, signature });
        break;
      }
      case 'redacted_thinking':
        parts.push({ type: 'redacted-reasoning', data: readString(block['data'], `${where}.data`) });
        break;
      case 'tool_use': {
        const input = block['input'] ?? {};
        parts.push({
          type: 'tool-call',
          id: readString(block['id'], `${where}.id`),
          name: readString(block['name'], `${where}.name`),
          arguments: JSON.stringify(input),
        });
        break;
      }
      default:
        warnings.push({
          parameter: 'content',
          message: `${where}: ${String(block['type'])} blocks cannot be translated; left out.`,
        });
    }
  });
  return parts;
}

function textPart(block: JsonObject, path: string): TextPart {
  const part: TextPart = { type: 'text', text: readString(block['text'], `${path}.text`) };
  const cacheControl = parseCacheControl(block['cache_control']);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function parseCacheControl(value: unknown): CacheControl | undefined {
  if (!isObject(value) || value['type'] !== 'ephemeral') return undefined;
  return value['ttl'] === '5m' || value['ttl'] === '1h'
    ? { type: 'ephemeral', ttl: value['ttl'] }
    : { type: 'ephemeral' };
}

function parseSource(value: unknown, path: string): MediaSource | { kind: 'text'; mediaType: string; data: string } {
  const source = readObject(value, path);
  switch (source['type']) {
    case 'base64':
      return {
        kind: 'base64',
        mediaType: readString(source['media_type'], `${path}.media_type`),
        data: readString(source['data'], `${path}.data`),
      };
    case 'url':
      return { kind: 'url', url: readString(source['url'], `${path}.url`) };
    case 'file':
      return { kind: 'file-id', fileId: readString(source['file_id'], `${path}.file_id`) };
    case 'text':
      return { kind: 'text', mediaType: 'text/plain', data: readString(source['data'], `${path}.data`) };
    default:
      throw invalidRequest(`${path}.type must be one of base64, url, file, text.`, `${path}.type`);
  }
}

function imagePart(block: JsonObject, path: string): ImagePart {
  const source = parseSource(block['source'], `${path}.source`);
  if (source.kind === 'text')
    throw invalidRequest(`${path}.source.type cannot be 'text' for an image.`, `${path}.source.type`);
  return { type: 'image', source };
}

function documentPart(block: JsonObject, path: string): FilePart {
  const part: FilePart = { type: 'file', source: parseSource(block['source'], `${path}.source`) };
  const title = optionalString(block['title'], `${path}.title`);
  if (title !== undefined) part.filename = title;
  return part;
}

function parseToolResult(block: JsonObject, path: string): ToolResultPart {
  const toolCallId = readString(block['tool_use_id'], `${path}.tool_use_id`);
  const content = block['content'];
  const result: ToolResultPart = {
    type: 'tool-result',
    toolCallId,
    content:
      content === undefined || content === null
        ? ''
        : typeof content === 'string'
          ? content
          : readArray(content, `${path}.content`).map((item, index) => {
              const inner = readObject(item, `${path}.content[${index}]`);
              const where = `${path}.content[${index}]`;
              if (inner['type'] === 'image') return imagePart(inner, where);
              if (inner['type'] === 'document') return documentPart(inner, where);
              return { type: 'text' as const, text: readString(inner['text'], `${where}.text`) };
            }),
  };
  if (optionalBoolean(block['is_error'], `${path}.is_error`) === true) result.isError = true;
  return result;
}

function parseTools(value: unknown, warnings: Warning[]): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  const tools: ToolDefinition[] = [];
  readArray(value, 'tools').forEach((item, index) => {
    const tool = readObject(item, `tools[${index}]`);
    if (tool['type'] !== undefined && tool['type'] !== 'custom') {
      warnings.push({
        parameter: 'tools',
        message: `tools[${index}]: the server tool ${String(tool['type'])} cannot be translated; left out.`,
      });
      return;
    }
    const definition: ToolDefinition = {
      name: readString(tool['name'], `tools[${index}].name`),
      inputSchema: readObject(tool['input_schema'], `tools[${index}].input_schema`),
    };
    const description = optionalString(tool['description'], `tools[${index}].description`);
    if (description !== undefined) definition.description = description;
    const strict = optionalBoolean(tool['strict'], `tools[${index}].strict`);
    if (strict !== undefined) definition.strict = strict;
    tools.push(definition);
  });
  return tools;
}

function parseToolChoice(value: unknown, request: ChatRequest): void {
  if (value === undefined || value === null) return;
  const choice = readObject(value, 'tool_choice');
  if (choice['disable_parallel_tool_use'] === true) request.parallelToolCalls = false;
  const type = readString(choice['type'], 'tool_choice.type');
  const mapped: ToolChoice | undefined =
    type === 'auto'
      ? { type: 'auto' }
      : type === 'any'
        ? { type: 'required' }
        : type === 'none'
          ? { type: 'none' }
          : type === 'tool'
            ? { type: 'tool', name: readString(choice['name'], 'tool_choice.name') }
            : undefined;
  if (mapped === undefined)
    throw invalidRequest("tool_choice.type must be 'auto', 'any', 'tool' or 'none'.", 'tool_choice.type');
  request.toolChoice = mapped;
}

/** `thinking` (enabled with a budget, adaptive, disabled) and `output_config.effort` → reasoning settings. */
function parseThinking(value: unknown, effort: unknown): ReasoningConfig | undefined {
  const level = isEffort(effort) ? { effort } : {};
  if (value === undefined || value === null) return isEffort(effort) ? { enabled: true, ...level } : undefined;
  const thinking = readObject(value, 'thinking');
  switch (thinking['type']) {
    case 'enabled': {
      const budget = optionalInteger(thinking['budget_tokens'], 'thinking.budget_tokens', 1);
      return budget === undefined ? { enabled: true, ...level } : { enabled: true, budgetTokens: budget, ...level };
    }
    case 'adaptive':
      return { enabled: true, ...level };
    case 'disabled':
      return { enabled: false };
    default:
      throw invalidRequest("thinking.type must be 'enabled', 'adaptive' or 'disabled'.", 'thinking.type');
  }
}
