import { invalidRequest } from '../../errors/gateway-error.ts';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  MediaSource,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../internal/chat-request.ts';
import type { Warning } from '../internal/warning.ts';
import { convertGeminiSchema } from './convert-gemini-schema.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(`${path} must be an object.`, path);
  return value;
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be an array.`, path);
  return value;
}

function numberAt(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${path} must be a number.`, path);
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${path} must be a string.`, path);
  return value;
}

/** Fields of `generationConfig` that map to the canonical request, or are warned about. */
const handledGenerationFields = new Set([
  'temperature',
  'topP',
  'topK',
  'candidateCount',
  'maxOutputTokens',
  'stopSequences',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  '_responseJsonSchema',
  'thinkingConfig',
]);

const effortByLevel: Record<string, ReasoningEffort> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

/** Tool-call ids a Gemini history may leave out, paired by name in order (as Gemini itself pairs them). */
class ToolCallIds {
  #next = 0;
  readonly #open = new Map<string, string[]>();

  call(name: string, id: unknown): string {
    const chosen =
      typeof id === 'string' && id !== '' ? id : `call_${this.#next++}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const queue = this.#open.get(name) ?? [];
    queue.push(chosen);
    this.#open.set(name, queue);
    return chosen;
  }

  response(name: string, id: unknown): string {
    const queue = this.#open.get(name);
    if (typeof id === 'string' && id !== '') {
      const at = queue?.indexOf(id) ?? -1;
      if (queue !== undefined && at !== -1) queue.splice(at, 1);
      return id;
    }
    return queue?.shift() ?? `call_${this.#next++}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }
}

/** A `functionResponse.response` as tool-result text: a lone `output`/`result`/`content` string as is, else JSON. */
function toolResultOf(response: JsonObject, id: string): ToolResultPart {
  const keys = Object.keys(response);
  const only = keys.length === 1 ? response[keys[0] ?? ''] : undefined;
  const isError = keys.length === 1 && keys[0] === 'error';
  const content = typeof only === 'string' ? only : JSON.stringify(response);
  return { type: 'tool-result', toolCallId: id, content, ...(isError ? { isError: true } : {}) };
}

/** Images as image parts, anything else (PDF, audio, text) as a file. */
function mediaPart(mimeType: string, source: MediaSource): UserContentPart {
  return mimeType.startsWith('image/') ? { type: 'image', source } : { type: 'file', source };
}

function convertContents(contents: unknown[], warnings: Warning[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const ids = new ToolCallIds();
  for (const [index, item] of contents.entries()) {
    const path = `contents[${index}]`;
    const content = objectAt(item, path);
    const role = content['role'] ?? 'user';
    if (role !== 'user' && role !== 'model' && role !== 'function')
      throw invalidRequest(`${path}.role must be "user" or "model".`, `${path}.role`);
    const parts = arrayAt(content['parts'] ?? [], `${path}.parts`);
    const user: UserContentPart[] = [];
    const assistant: AssistantContentPart[] = [];
    const results: ToolResultPart[] = [];
    for (const [at, value] of parts.entries()) {
      const partPath = `${path}.parts[${at}]`;
      const part = objectAt(value, partPath);
      if (typeof part['text'] === 'string') {
        if (role === 'model')
          assistant.push(
            part['thought'] === true ? { type: 'reasoning', text: part['text'] } : { type: 'text', text: part['text'] },
          );
        else user.push({ type: 'text', text: part['text'] });
      } else if (isObject(part['inlineData'])) {
        const data = part['inlineData'];
        const mediaType = stringAt(data['mimeType'], `${partPath}.inlineData.mimeType`);
        user.push(
          mediaPart(mediaType, {
            kind: 'base64',
            mediaType,
            data: stringAt(data['data'], `${partPath}.inlineData.data`),
          }),
        );
      } else if (isObject(part['fileData'])) {
        const data = part['fileData'];
        const url = stringAt(data['fileUri'], `${partPath}.fileData.fileUri`);
        const mimeType = typeof data['mimeType'] === 'string' ? data['mimeType'] : '';
        user.push(mediaPart(mimeType, { kind: 'url', url }));
      } else if (isObject(part['functionCall'])) {
        const call = part['functionCall'];
        const name = stringAt(call['name'], `${partPath}.functionCall.name`);
        assistant.push({
          type: 'tool-call',
          id: ids.call(name, call['id']),
          name,
          arguments: JSON.stringify(isObject(call['args']) ? call['args'] : {}),
        });
      } else if (isObject(part['functionResponse'])) {
        const result = part['functionResponse'];
        const name = stringAt(result['name'], `${partPath}.functionResponse.name`);
        results.push(
          toolResultOf(isObject(result['response']) ? result['response'] : {}, ids.response(name, result['id'])),
        );
      } else if (part['executableCode'] !== undefined || part['codeExecutionResult'] !== undefined) {
        warnings.push({ parameter: 'contents.parts', message: 'Code execution parts are Gemini-only; not sent.' });
      } else {
        throw invalidRequest(
          `${partPath} has no data field Gemini defines (text, inlineData, fileData, functionCall, functionResponse).`,
          partPath,
        );
      }
    }
    if (role === 'model') {
      if (user.length > 0)
        warnings.push({ parameter: 'contents.parts', message: 'Media in model turns is not carried; dropped.' });
      if (assistant.length > 0) messages.push({ role: 'assistant', content: assistant });
    } else {
      if (results.length > 0) messages.push({ role: 'tool', content: results });
      if (user.length > 0) messages.push({ role: 'user', content: user });
    }
  }
  return messages;
}

function convertTools(tools: unknown[], warnings: Warning[]): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const [index, item] of tools.entries()) {
    const tool = objectAt(item, `tools[${index}]`);
    for (const key of Object.keys(tool)) {
      if (key !== 'functionDeclarations')
        warnings.push({
          parameter: `tools.${key}`,
          message: `The Gemini built-in tool ${key} has no equivalent here; not sent.`,
        });
    }
    const declarations = arrayAt(tool['functionDeclarations'] ?? [], `tools[${index}].functionDeclarations`);
    for (const [at, value] of declarations.entries()) {
      const path = `tools[${index}].functionDeclarations[${at}]`;
      const declaration = objectAt(value, path);
      const schema =
        declaration['parametersJsonSchema'] !== undefined
          ? objectAt(declaration['parametersJsonSchema'], `${path}.parametersJsonSchema`)
          : declaration['parameters'] !== undefined
            ? convertGeminiSchema(declaration['parameters'])
            : { type: 'object', properties: {} };
      definitions.push({
        name: stringAt(declaration['name'], `${path}.name`),
        ...(typeof declaration['description'] === 'string' ? { description: declaration['description'] } : {}),
        inputSchema: schema,
      });
    }
  }
  return definitions;
}

function convertToolConfig(value: unknown, warnings: Warning[]): ToolChoice | undefined {
  if (!isObject(value) || !isObject(value['functionCallingConfig'])) return undefined;
  const config = value['functionCallingConfig'];
  const names = Array.isArray(config['allowedFunctionNames'])
    ? config['allowedFunctionNames'].filter((name): name is string => typeof name === 'string')
    : [];
  switch (config['mode']) {
    case 'NONE':
      return { type: 'none' };
    case 'ANY':
    case 'VALIDATED':
      if (names.length === 1 && names[0] !== undefined) return { type: 'tool', name: names[0] };
      if (names.length > 1)
        warnings.push({
          parameter: 'toolConfig.functionCallingConfig.allowedFunctionNames',
          message: 'Only one allowed function name can be forced off Gemini; any tool may be called.',
        });
      return { type: 'required' };
    case 'AUTO':
      return { type: 'auto' };
    default:
      return undefined;
  }
}

function convertResponseFormat(config: JsonObject): ResponseFormat | undefined {
  const mimeType = config['responseMimeType'];
  const jsonSchema = config['responseJsonSchema'] ?? config['_responseJsonSchema'];
  if (isObject(jsonSchema)) return { type: 'json-schema', name: 'response', schema: jsonSchema };
  if (isObject(config['responseSchema']))
    return { type: 'json-schema', name: 'response', schema: convertGeminiSchema(config['responseSchema']) };
  if (mimeType === 'application/json') return { type: 'json-object' };
  return undefined;
}

function applyGenerationConfig(request: ChatRequest, value: unknown, warnings: Warning[]): void {
  if (value === undefined) return;
  const config = objectAt(value, 'generationConfig');
  const set = <K extends keyof ChatRequest>(key: K, field: string) => {
    const number = numberAt(config[field], `generationConfig.${field}`);
    if (number !== undefined) request[key] = number as ChatRequest[K];
  };
  set('temperature', 'temperature');
  set('topP', 'topP');
  set('topK', 'topK');
  set('maxOutputTokens', 'maxOutputTokens');
  set('presencePenalty', 'presencePenalty');
  set('frequencyPenalty', 'frequencyPenalty');
  set('seed', 'seed');
  if (config['stopSequences'] !== undefined)
    request.stopSequences = arrayAt(config['stopSequences'], 'generationConfig.stopSequences').map((item, index) =>
      stringAt(item, `generationConfig.stopSequences[${index}]`),
    );
  const candidates = numberAt(config['candidateCount'], 'generationConfig.candidateCount');
  if (candidates !== undefined && candidates > 1)
    warnings.push({ parameter: 'candidateCount', message: 'Only one candidate is generated off Gemini.' });
  const format = convertResponseFormat(config);
  if (format !== undefined) request.responseFormat = format;
  const thinking = config['thinkingConfig'];
  if (isObject(thinking)) {
    const budget = numberAt(thinking['thinkingBudget'], 'generationConfig.thinkingConfig.thinkingBudget');
    const level =
      typeof thinking['thinkingLevel'] === 'string'
        ? effortByLevel[thinking['thinkingLevel'].toLowerCase()]
        : undefined;
    if (budget === 0) request.reasoning = { enabled: false };
    else if (budget !== undefined && budget > 0) request.reasoning = { enabled: true, budgetTokens: budget };
    else if (level !== undefined) request.reasoning = { enabled: true, effort: level };
    else if (budget === -1 || thinking['includeThoughts'] === true)
      request.reasoning = { enabled: true, effort: 'medium' };
  }
  for (const key of Object.keys(config)) {
    if (!handledGenerationFields.has(key))
      warnings.push({
        parameter: `generationConfig.${key}`,
        message: `generationConfig.${key} is Gemini-only; not sent.`,
      });
  }
}

/**
 * A Gemini `GenerateContentRequest` → the canonical request, for providers that do not speak Gemini.
 * What has no equivalent (safety settings, built-in tools, cached content) is reported in `warnings`.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function parseGeminiRequest(body: Record<string, unknown>, model: string, warnings: Warning[]): ChatRequest {
  const contents = arrayAt(body['contents'] ?? [], 'contents');
  const messages: ChatMessage[] = [];
  if (body['systemInstruction'] !== undefined) {
    const instruction = objectAt(body['systemInstruction'], 'systemInstruction');
    const parts = arrayAt(instruction['parts'] ?? [], 'systemInstruction.parts');
    const text = parts
      .map((part) => (isObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
      .join('\n');
    if (text !== '') messages.push({ role: 'system', content: [{ type: 'text', text }] });
  }
  messages.push(...convertContents(contents, warnings));
  if (messages.every((message) => message.role === 'system'))
    throw invalidRequest('contents must hold at least one turn.', 'contents');
  const request: ChatRequest = { model, messages };
  if (body['tools'] !== undefined) {
    const tools = convertTools(arrayAt(body['tools'], 'tools'), warnings);
    if (tools.length > 0) request.tools = tools;
  }
  const choice = convertToolConfig(body['toolConfig'], warnings);
  if (choice !== undefined && request.tools !== undefined) request.toolChoice = choice;
  applyGenerationConfig(request, body['generationConfig'], warnings);
  if (body['safetySettings'] !== undefined)
    warnings.push({ parameter: 'safetySettings', message: 'Safety settings apply on Gemini only; not sent.' });
  if (body['cachedContent'] !== undefined)
    warnings.push({
      parameter: 'cachedContent',
      message: 'Gemini cached content cannot be used off Gemini; not sent.',
    });
  return request;
}
