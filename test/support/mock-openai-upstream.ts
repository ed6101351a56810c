import type { ServerResponse } from 'node:http';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

/** What the mock assistant says next; rendered as JSON or as a faithful chunk stream. */
export interface OpenAITurn {
  content?: string | null;
  reasoningContent?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  model?: string;
}

type JsonObject = Record<string, unknown>;

/** How the mock checks the key: OpenAI's bearer, Azure's `api-key` header, or not at all (local servers). */
export type MockOpenAIAuth = 'bearer' | 'api-key' | 'none';

/**
 * A loopback OpenAI Chat Completions API (and embeddings), as strict as the real one where the
 * gateway could go wrong: the bearer key, message roles, tool-call/tool-message pairing,
 * `stream_options` only with `stream`. Without a queued turn it answers "You said: <last user text>".
 * @see ../../../shared/specs/openai/openapi.json, ../../../shared/specs/WIRE-FORMATS.md §1
 */
export class MockOpenAIUpstream extends MockUpstreamServer {
  readonly turns: OpenAITurn[] = [];
  readonly apiKey: string;
  /** Characters per streamed content chunk. */
  chunkSize = 5;

  readonly auth: MockOpenAIAuth;
  /** Azure deployment names seen in `/openai/deployments/{name}/…` paths. */
  readonly deployments: string[] = [];

  constructor(apiKey: string, options: { auth?: MockOpenAIAuth } = {}) {
    super((request, response) => this.#route(request, response));
    this.apiKey = apiKey;
    this.auth = options.auth ?? 'bearer';
  }

  /** `http://127.0.0.1:PORT/v1`, what `OPENAI_BASE_URL` points at. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  queueTurn(...turns: OpenAITurn[]): void {
    this.turns.push(...turns);
  }

  #route(request: RecordedRequest, response: ServerResponse) {
    const given =
      this.auth === 'api-key' ? String(request.headers['api-key'] ?? '') : (request.headers.authorization ?? '');
    const expected = this.auth === 'api-key' ? this.apiKey : `Bearer ${this.apiKey}`;
    if (this.auth !== 'none' && given !== expected) {
      return error(
        response,
        401,
        `Incorrect API key provided: ${given.replace(/^Bearer /, '')}.`,
        'invalid_request_error',
        'invalid_api_key',
      );
    }
    // OpenAI's base URL ends in /v1; compatible APIs such as DeepSeek's have none; Azure's v1 form is
    // /openai/v1, its deployment form /openai/deployments/{name}/…?api-version=….
    const [rawPath = '', query = ''] = request.path.split('?');
    let path = rawPath.replace(/^\/openai(?=\/)/, '').replace(/^\/v1/, '');
    const deployment = /^\/deployments\/([^/]+)(\/.*)$/.exec(path);
    if (deployment !== null) {
      if (!/(^|&)api-version=\d{4}-\d{2}-\d{2}/.test(query))
        return error(response, 404, 'Resource not found (api-version missing)', 'invalid_request_error', '404');
      this.deployments.push(decodeURIComponent(deployment[1] ?? ''));
      path = deployment[2] ?? '';
    }
    if (request.method === 'POST' && path === '/chat/completions') return this.#chat(request, response);
    if (request.method === 'POST' && path === '/embeddings') return this.#embeddings(request, response);
    return error(response, 404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error', null);
  }

  #chat(request: RecordedRequest, response: ServerResponse) {
    const body = request.body;
    const problem = validateChatRequest(body);
    if (problem !== undefined) return error(response, 400, problem, 'invalid_request_error', null);
    const chat = body as JsonObject;
    const turn = this.turns.shift() ?? echoTurn(chat['messages'] as JsonObject[]);
    const model = turn.model ?? (chat['model'] as string);
    const usage = usageOf(turn, request.rawBody.length);
    if (chat['stream'] === true) {
      const includeUsage = (chat['stream_options'] as JsonObject | undefined)?.['include_usage'] === true;
      return this.#stream(response, turn, model, usage, includeUsage);
    }
    const message: JsonObject = {
      role: 'assistant',
      content: turn.content ?? null,
      refusal: null,
      annotations: [],
    };
    if (turn.reasoningContent !== undefined) message['reasoning_content'] = turn.reasoningContent;
    if (turn.toolCalls !== undefined) {
      message['tool_calls'] = turn.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    sendJson(response, 200, {
      id: 'chatcmpl-mock123',
      object: 'chat.completion',
      created: 1_767_000_000,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(turn) }],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    });
  }

  #stream(response: ServerResponse, turn: OpenAITurn, model: string, usage: JsonObject, includeUsage: boolean) {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const chunk = (choice: JsonObject | undefined, extra: JsonObject = {}): void => {
      const data: JsonObject = {
        id: 'chatcmpl-mock123',
        object: 'chat.completion.chunk',
        created: 1_767_000_000,
        model,
        service_tier: 'default',
        system_fingerprint: 'fp_mock',
        choices: choice === undefined ? [] : [choice],
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      };
      response.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    const delta = (value: JsonObject): void => chunk({ index: 0, delta: value, logprobs: null, finish_reason: null });
    delta({ role: 'assistant', content: '', refusal: null });
    for (const piece of split(turn.reasoningContent ?? '', this.chunkSize)) delta({ reasoning_content: piece });
    for (const piece of split(turn.content ?? '', this.chunkSize)) delta({ content: piece });
    (turn.toolCalls ?? []).forEach((call, index) => {
      delta({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      });
      for (const piece of split(call.arguments, 7)) delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    chunk({ index: 0, delta: {}, logprobs: null, finish_reason: finishReasonOf(turn) });
    if (includeUsage) chunk(undefined, { usage });
    response.end('data: [DONE]\n\n');
  }

  #embeddings(request: RecordedRequest, response: ServerResponse) {
    const body = request.body as JsonObject | undefined;
    if (typeof body?.['model'] !== 'string' || body['input'] === undefined) {
      return error(response, 400, "'model' and 'input' are required", 'invalid_request_error', null);
    }
    const inputs = Array.isArray(body['input']) ? body['input'] : [body['input']];
    sendJson(response, 200, {
      object: 'list',
      data: inputs.map((_input, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
      model: body['model'],
      usage: { prompt_tokens: 4 * inputs.length, total_tokens: 4 * inputs.length },
    });
  }
}

function error(response: ServerResponse, status: number, message: string, type: string, code: string | null): void {
  sendJson(response, status, { error: { message, type, param: null, code } });
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

function finishReasonOf(turn: OpenAITurn): string {
  return turn.finishReason ?? (turn.toolCalls !== undefined && turn.toolCalls.length > 0 ? 'tool_calls' : 'stop');
}

function usageOf(turn: OpenAITurn, requestSize: number): JsonObject {
  const prompt = turn.usage?.prompt_tokens ?? Math.ceil(requestSize / 4);
  const completion = turn.usage?.completion_tokens ?? Math.ceil((turn.content ?? '').length / 4) + 1;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: turn.usage?.cached_tokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** "You said: …" for a user turn, "Tool said: …" after a tool result. */
function echoTurn(messages: JsonObject[]): OpenAITurn {
  const last = messages.at(-1);
  if (last?.['role'] === 'tool') return { content: `Tool said: ${textOf(last['content'])}` };
  const lastUser = messages.findLast((message) => message['role'] === 'user');
  return { content: `You said: ${textOf(lastUser?.['content'])}` };
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is JsonObject => typeof part === 'object' && part !== null && part.type === 'text')
    .map((part) => String(part['text']))
    .join('\n');
}

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const userPartTypes = new Set(['text', 'image_url', 'input_audio', 'file']);

/** The checks the real API makes that a translating gateway is most likely to fail. */
export function validateChatRequest(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'We could not parse the JSON body of your request.';
  const chat = body as JsonObject;
  if (typeof chat['model'] !== 'string') return 'you must provide a model parameter';
  const messages = chat['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return "Invalid 'messages': empty array.";
  if (chat['stream_options'] != null && chat['stream'] !== true) {
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  }
  let pendingToolCalls = new Set<string>();
  for (const [index, message] of (messages as JsonObject[]).entries()) {
    const role = message['role'];
    if (typeof role !== 'string' || !roles.has(role)) return `Invalid value for 'messages[${index}].role'.`;
    if (role !== 'tool' && pendingToolCalls.size > 0) {
      return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
    }
    if (role === 'user' && Array.isArray(message['content'])) {
      for (const part of message['content'] as JsonObject[]) {
        if (!userPartTypes.has(String(part['type']))) return `Invalid content part type in messages[${index}].`;
        if (part['type'] === 'image_url') {
          const url = (part['image_url'] as JsonObject | undefined)?.['url'];
          if (typeof url !== 'string' || !/^(https?:|data:image\/)/.test(url))
            return `Invalid image URL in messages[${index}].`;
        }
      }
    } else if (role === 'user' && typeof message['content'] !== 'string') {
      return `Invalid type for 'messages[${index}].content'.`;
    }
    if (role === 'assistant') {
      const calls = message['tool_calls'];
      if (message['content'] === undefined && calls === undefined) {
        return `Missing required parameter: 'messages[${index}].content'.`;
      }
      if (Array.isArray(calls)) {
        pendingToolCalls = new Set((calls as JsonObject[]).map((call) => String(call['id'])));
        for (const call of calls as JsonObject[]) {
          const fn = call['function'] as JsonObject | undefined;
          if (typeof fn?.['arguments'] !== 'string')
            return `messages[${index}].tool_calls: arguments must be a string.`;
        }
      }
    }
    if (role === 'tool') {
      const id = message['tool_call_id'];
      if (typeof id !== 'string' || !pendingToolCalls.delete(id)) {
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      }
    }
  }
  if (pendingToolCalls.size > 0) {
    return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
  }
  return undefined;
}
