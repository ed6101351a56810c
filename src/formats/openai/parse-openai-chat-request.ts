import { GatewayError, invalidRequest } from '../../errors/gateway-error.ts';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  ResponseFormat,
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
  parseDataUrl,
  readArray,
  readObject,
  readString,
} from '../shared/json-reader.ts';
import { readJsonSchemaFormat } from '../shared/read-json-schema-format.ts';
import { readOpenAIReasoningEffort } from '../shared/read-openai-reasoning-effort.ts';

/** Fields this parser reads or deliberately ignores; any other top-level field is reported as a warning. */
const understoodFields = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'user',
  'safety_identifier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  // OpenAI-platform features with no meaning elsewhere: accepted, not sent.
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
]);

/**
 * OpenAI Chat Completions request → canonical request, for providers of another format. Validates as
 * it reads (a 400 names the field); reports what cannot be carried as warnings; refuses `n > 1`.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function parseOpenAIChatRequest(body: JsonObject, upstreamModel: string, warnings: Warning[]): ChatRequest {
  const n = optionalInteger(body['n'], 'n', 1);
  if (n !== undefined && n > 1) {
    throw new GatewayError(
      'unsupported_parameter',
      'n > 1 is only supported by OpenAI-format providers; send n separate requests.',
      {
        param: 'n',
      },
    );
  }
  for (const key of Object.keys(body)) {
    if (!understoodFields.has(key) && body[key] !== null && body[key] !== false) {
      warnings.push({ parameter: key, message: `${key} has no equivalent at this provider; it was not sent.` });
    }
  }
  const request: ChatRequest = {
    model: upstreamModel,
    messages: readArray(body['messages'], 'messages').map((message, index) =>
      parseMessage(message, `messages[${index}]`, warnings),
    ),
  };
  const maxTokens =
    optionalInteger(body['max_completion_tokens'], 'max_completion_tokens') ??
    optionalInteger(body['max_tokens'], 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  assign(request, 'temperature', optionalNumber(body['temperature'], 'temperature'));
  assign(request, 'topP', optionalNumber(body['top_p'], 'top_p'));
  assign(request, 'presencePenalty', optionalNumber(body['presence_penalty'], 'presence_penalty'));
  assign(request, 'frequencyPenalty', optionalNumber(body['frequency_penalty'], 'frequency_penalty'));
  assign(request, 'seed', optionalInteger(body['seed'], 'seed', Number.MIN_SAFE_INTEGER));
  assign(request, 'stopSequences', optionalStringList(body['stop'], 'stop'));
  assign(
    request,
    'user',
    optionalString(body['user'], 'user') ?? optionalString(body['safety_identifier'], 'safety_identifier'),
  );
  assign(request, 'parallelToolCalls', optionalBoolean(body['parallel_tool_calls'], 'parallel_tool_calls'));
  const tools = parseTools(body['tools'], warnings);
  assign(request, 'tools', tools);
  assign(request, 'toolChoice', parseToolChoice(body['tool_choice'], request));
  assign(request, 'responseFormat', parseResponseFormat(body['response_format']));
  assign(request, 'reasoning', readOpenAIReasoningEffort(body['reasoning_effort'], 'reasoning_effort'));
  return request;
}

/** Sets an optional property only when it has a value (exactOptionalPropertyTypes). */
function assign<K extends keyof ChatRequest>(request: ChatRequest, key: K, value: ChatRequest[K] | undefined): void {
  if (value !== undefined) request[key] = value;
}

function parseMessage(value: unknown, path: string, warnings: Warning[]): ChatMessage {
  const message = readObject(value, path);
  const role = readString(message['role'], `${path}.role`);
  switch (role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: parseTextContent(message['content'], `${path}.content`, warnings) };
    case 'user':
      return { role: 'user', content: parseUserContent(message['content'], `${path}.content`, warnings) };
    case 'assistant':
      return { role: 'assistant', content: parseAssistantContent(message, path) };
    case 'tool':
      return { role: 'tool', content: [parseToolMessage(message, path)] };
    case 'function':
      throw invalidRequest(
        `${path}: the deprecated 'function' role cannot be translated; use tools and 'tool' messages.`,
        `${path}.role`,
      );
    default:
      throw invalidRequest(`${path}.role must be one of system, developer, user, assistant, tool.`, `${path}.role`);
  }
}

function parseTextContent(value: unknown, path: string, warnings?: Warning[]): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return readArray(value, path).map((item, index) => {
    const part = readObject(item, `${path}[${index}]`);
    if (part['type'] !== 'text')
      throw invalidRequest(`${path}[${index}].type must be 'text'.`, `${path}[${index}].type`);
    return withCacheControl({ type: 'text', text: readString(part['text'], `${path}[${index}].text`) }, part, warnings);
  });
}

/**
 * Anthropic's prompt-cache marker on an OpenAI content part (`cache_control: {type: "ephemeral", ttl?}`), as
 * LiteLLM accepts it: carried to Anthropic and Bedrock targets, ignored by the rest.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
function withCacheControl<Part extends TextPart | UserContentPart>(
  target: Part,
  part: JsonObject,
  warnings: Warning[] | undefined,
): Part {
  const marker = part['cache_control'];
  if (!isObject(marker) || marker['type'] !== 'ephemeral') return target;
  const ttl = marker['ttl'];
  if (
    ttl !== undefined &&
    ttl !== '5m' &&
    ttl !== '1h' &&
    !warnings?.some((warning) => warning.parameter === 'cache_control.ttl')
  )
    warnings?.push({
      parameter: 'cache_control.ttl',
      message: `A cache_control ttl of ${JSON.stringify(ttl)} is not one Anthropic takes (5m, 1h); it was removed.`,
    });
  return { ...target, cacheControl: ttl === '5m' || ttl === '1h' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } };
}

function parseUserContent(value: unknown, path: string, warnings: Warning[]): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return readArray(value, path).map((item, index) => parseUserPart(item, `${path}[${index}]`, warnings));
}

function parseUserPart(value: unknown, path: string, warnings: Warning[]): UserContentPart {
  const part = readObject(value, path);
  switch (part['type']) {
    case 'text':
      return withCacheControl({ type: 'text', text: readString(part['text'], `${path}.text`) }, part, warnings);
    case 'image_url': {
      const image = readObject(part['image_url'], `${path}.image_url`);
      const url = readString(image['url'], `${path}.image_url.url`);
      const detail = optionalString(image['detail'], `${path}.image_url.detail`);
      const inline = parseDataUrl(url);
      const source =
        inline !== undefined
          ? ({ kind: 'base64', mediaType: inline.mediaType, data: inline.data } as const)
          : /^https?:\/\//.test(url)
            ? ({ kind: 'url', url } as const)
            : undefined;
      if (source === undefined) {
        throw invalidRequest(
          `${path}.image_url.url must be an http(s) URL or a base64 data: URL.`,
          `${path}.image_url.url`,
        );
      }
      return withCacheControl(
        detail === 'auto' || detail === 'low' || detail === 'high'
          ? { type: 'image', source, detail }
          : { type: 'image', source },
        part,
        warnings,
      );
    }
    case 'file': {
      const file = readObject(part['file'], `${path}.file`);
      const filename = optionalString(file['filename'], `${path}.file.filename`);
      const fileId = optionalString(file['file_id'], `${path}.file.file_id`);
      const fileData = optionalString(file['file_data'], `${path}.file.file_data`);
      const inline = fileData === undefined ? undefined : parseDataUrl(fileData);
      const source =
        inline !== undefined
          ? ({ kind: 'base64', mediaType: inline.mediaType, data: inline.data } as const)
          : fileData !== undefined
            ? ({ kind: 'base64', mediaType: 'application/pdf', data: fileData } as const)
            : fileId !== undefined
              ? ({ kind: 'file-id', fileId } as const)
              : undefined;
      if (source === undefined) throw invalidRequest(`${path}.file needs file_data or file_id.`, `${path}.file`);
      return filename === undefined ? { type: 'file', source } : { type: 'file', source, filename };
    }
    case 'input_audio':
      throw invalidRequest(`${path}: audio input cannot be translated for this provider.`, `${path}.type`);
    default:
      throw invalidRequest(`${path}.type must be one of text, image_url, file, input_audio.`, `${path}.type`);
  }
}

function parseAssistantContent(message: JsonObject, path: string): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  const content = message['content'];
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((item, index) => {
      const part = readObject(item, `${path}.content[${index}]`);
      const text = part['type'] === 'refusal' ? part['refusal'] : part['text'];
      parts.push({ type: 'text', text: readString(text, `${path}.content[${index}].text`) });
    });
  } else if (content !== null && content !== undefined) {
    throw invalidRequest(`${path}.content must be a string, an array of parts, or null.`, `${path}.content`);
  }
  const calls = message['tool_calls'];
  if (calls !== undefined && calls !== null) {
    readArray(calls, `${path}.tool_calls`).forEach((item, index) => {
      const where = `${path}.tool_calls[${index}]`;
      const call = readObject(item, where);
      const fn = readObject(call['function'], `${where}.function`);
      parts.push({
        type: 'tool-call',
        id: readString(call['id'], `${where}.id`),
        name: readString(fn['name'], `${where}.function.name`),
        arguments: optionalString(fn['arguments'], `${where}.function.arguments`) ?? '',
      });
    });
  }
  return parts;
}

function parseToolMessage(message: JsonObject, path: string): ToolResultPart {
  const toolCallId = readString(message['tool_call_id'], `${path}.tool_call_id`);
  const content = message['content'];
  if (typeof content === 'string') return { type: 'tool-result', toolCallId, content };
  return { type: 'tool-result', toolCallId, content: parseTextContent(content, `${path}.content`) };
}

function parseTools(value: unknown, warnings: Warning[]): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  const tools: ToolDefinition[] = [];
  readArray(value, 'tools').forEach((item, index) => {
    const tool = readObject(item, `tools[${index}]`);
    if (tool['type'] !== 'function') {
      warnings.push({
        parameter: 'tools',
        message: `tools[${index}] of type ${String(tool['type'])} cannot be translated; it was left out.`,
      });
      return;
    }
    const fn = readObject(tool['function'], `tools[${index}].function`);
    const definition: ToolDefinition = {
      name: readString(fn['name'], `tools[${index}].function.name`),
      inputSchema:
        fn['parameters'] === undefined
          ? { type: 'object', properties: {} }
          : readObject(fn['parameters'], `tools[${index}].function.parameters`),
    };
    const description = optionalString(fn['description'], `tools[${index}].function.description`);
    if (description !== undefined) definition.description = description;
    const strict = optionalBoolean(fn['strict'], `tools[${index}].function.strict`);
    if (strict !== undefined) definition.strict = strict;
    tools.push(definition);
  });
  return tools;
}

function parseToolChoice(value: unknown, request: ChatRequest): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  const choice = readObject(value, 'tool_choice');
  if (choice['type'] === 'function') {
    const fn = readObject(choice['function'], 'tool_choice.function');
    return { type: 'tool', name: readString(fn['name'], 'tool_choice.function.name') };
  }
  if (choice['type'] === 'allowed_tools') {
    // Narrow the tool list to the allowed ones; the mode says whether one must be called.
    const allowed = readObject(choice['allowed_tools'], 'tool_choice.allowed_tools');
    const names = new Set(
      readArray(allowed['tools'], 'tool_choice.allowed_tools.tools').map((item, index) => {
        const entry = readObject(item, `tool_choice.allowed_tools.tools[${index}]`);
        return readString(
          readObject(entry['function'], `tool_choice.allowed_tools.tools[${index}].function`)['name'],
          `tool_choice.allowed_tools.tools[${index}].function.name`,
        );
      }),
    );
    if (request.tools !== undefined) request.tools = request.tools.filter((tool) => names.has(tool.name));
    return { type: allowed['mode'] === 'required' ? 'required' : 'auto' };
  }
  throw invalidRequest(
    "tool_choice must be 'none', 'auto', 'required', or a function or allowed_tools choice.",
    'tool_choice',
  );
}

function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = readObject(value, 'response_format');
  switch (format['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema': {
      const spec = readObject(format['json_schema'], 'response_format.json_schema');
      const schema =
        spec['schema'] === undefined ? {} : readObject(spec['schema'], 'response_format.json_schema.schema');
      return readJsonSchemaFormat(spec, schema, 'response_format.json_schema');
    }
    default:
      throw invalidRequest(
        "response_format.type must be 'text', 'json_object' or 'json_schema'.",
        'response_format.type',
      );
  }
}
