import type { ServerResponse } from 'node:http';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

/** What the mock model answers next, rendered as a response object or its faithful event stream. */
export interface ResponsesTurn {
  text?: string;
  reasoning?: { summary: string; encryptedContent: string };
  toolCalls?: Array<{ callId: string; name: string; arguments: string; namespace?: string }>;
  usage?: { input_tokens: number; output_tokens: number; cached_tokens?: number; reasoning_tokens?: number };
  status?: 'completed' | 'incomplete';
}

type JsonObject = Record<string, unknown>;

/** Tool types the real API takes besides `function`/`custom`/`namespace`: hosted ones and client-run ones (Codex). */
const hostedTools = new Set([
  'web_search',
  'web_search_preview',
  'file_search',
  'code_interpreter',
  'image_generation',
  'tool_search',
  'local_shell',
  'shell',
  'apply_patch',
  'computer_use_preview',
  'computer_use',
  'mcp',
]);

/**
 * A loopback OpenAI Responses API (`POST /v1/responses`), as strict as the real one where a gateway
 * could go wrong: the bearer key; `input`, not `messages`; `max_output_tokens`, not `max_tokens`;
 * flat function tools (a Chat-style `{type, function:{…}}` is a 400); every `function_call_output`
 * answering a `function_call` earlier in `input` (the API's "No tool call found for function call
 * output with call_id …"); no `previous_response_id` it never issued. Without a queued turn it answers
 * "You said: <last user text>".
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export class MockOpenAIResponsesUpstream extends MockUpstreamServer {
  readonly turns: ResponsesTurn[] = [];
  readonly apiKey: string;
  #next = 0;

  constructor(apiKey: string) {
    super((request, response) => this.#route(request, response));
    this.apiKey = apiKey;
  }

  /** `http://127.0.0.1:PORT/v1`. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  queueTurn(...turns: ResponsesTurn[]): void {
    this.turns.push(...turns);
  }

  /** The bodies the mock received on `/v1/responses`. */
  get bodies(): JsonObject[] {
    return this.requests
      .filter((request) => request.path === '/v1/responses')
      .map((request) => request.body as JsonObject);
  }

  #route(request: RecordedRequest, response: ServerResponse) {
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return error(response, 401, 'Incorrect API key provided.', 'invalid_api_key', null);
    }
    if (request.method !== 'POST' || request.path !== '/v1/responses') {
      return error(response, 404, `Invalid URL (${request.method} ${request.path})`, null, null);
    }
    const problem = validateResponsesRequest(request.body);
    if (problem !== undefined) return error(response, 400, problem.message, null, problem.param);
    const body = request.body as JsonObject;
    const turn = this.turns.shift() ?? echoTurn(body['input']);
    const id = `resp_mock${++this.#next}`;
    const output = outputOf(turn, this.#next);
    const usage = {
      input_tokens: turn.usage?.input_tokens ?? 11,
      input_tokens_details: { cached_tokens: turn.usage?.cached_tokens ?? 0 },
      output_tokens: turn.usage?.output_tokens ?? 7,
      output_tokens_details: { reasoning_tokens: turn.usage?.reasoning_tokens ?? 0 },
      total_tokens: (turn.usage?.input_tokens ?? 11) + (turn.usage?.output_tokens ?? 7),
    };
    const base = {
      id,
      object: 'response',
      created_at: 1_767_000_000,
      error: null,
      incomplete_details: turn.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: body['instructions'] ?? null,
      model: body['model'],
      parallel_tool_calls: true,
      metadata: {},
      tool_choice: 'auto',
      tools: body['tools'] ?? [],
      temperature: 1,
      top_p: 1,
    };
    const final = { ...base, status: turn.status ?? 'completed', output, usage };
    if (body['stream'] !== true) return sendJson(response, 200, final);
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    let sequence = 0;
    const send = (type: string, fields: JsonObject): void => {
      response.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
    };
    const started = { ...base, status: 'in_progress', output: [], usage: null };
    send('response.created', { response: started });
    send('response.in_progress', { response: started });
    for (const [index, item] of output.entries()) streamItem(send, item, index);
    send(turn.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
    response.end();
  }
}

function streamItem(send: (type: string, fields: JsonObject) => void, item: JsonObject, index: number): void {
  const id = item['id'];
  if (item['type'] === 'message') {
    send('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    send('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part });
    const text = String((item['content'] as JsonObject[])[0]?.['text'] ?? '');
    for (let at = 0; at < text.length; at += 5) {
      send('response.output_text.delta', {
        item_id: id,
        output_index: index,
        content_index: 0,
        delta: text.slice(at, at + 5),
        logprobs: [],
      });
    }
    send('response.output_text.done', { item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
    send('response.content_part.done', { item_id: id, output_index: index, content_index: 0, part: { ...part, text } });
  } else if (item['type'] === 'function_call') {
    send('response.output_item.added', {
      output_index: index,
      item: { ...item, status: 'in_progress', arguments: '' },
    });
    const args = String(item['arguments']);
    for (let at = 0; at < args.length; at += 7) {
      send('response.function_call_arguments.delta', {
        item_id: id,
        output_index: index,
        delta: args.slice(at, at + 7),
      });
    }
    send('response.function_call_arguments.done', {
      item_id: id,
      output_index: index,
      name: item['name'],
      arguments: args,
    });
  } else {
    send('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
    const summary = String((item['summary'] as JsonObject[])[0]?.['text'] ?? '');
    const common = { item_id: id, output_index: index, summary_index: 0 };
    send('response.reasoning_summary_part.added', { ...common, part: { type: 'summary_text', text: '' } });
    send('response.reasoning_summary_text.delta', { ...common, delta: summary });
    send('response.reasoning_summary_text.done', { ...common, text: summary });
    send('response.reasoning_summary_part.done', { ...common, part: { type: 'summary_text', text: summary } });
  }
  send('response.output_item.done', { output_index: index, item });
}

function outputOf(turn: ResponsesTurn, n: number): JsonObject[] {
  const output: JsonObject[] = [];
  if (turn.reasoning !== undefined) {
    output.push({
      type: 'reasoning',
      id: `rs_mock${n}`,
      summary: [{ type: 'summary_text', text: turn.reasoning.summary }],
      encrypted_content: turn.reasoning.encryptedContent,
    });
  }
  if (turn.text !== undefined) {
    output.push({
      type: 'message',
      id: `msg_mock${n}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: turn.text, annotations: [], logprobs: [] }],
    });
  }
  (turn.toolCalls ?? []).forEach((call, index) => {
    output.push({
      type: 'function_call',
      id: `fc_mock${n}_${index}`,
      status: 'completed',
      call_id: call.callId,
      name: call.name,
      arguments: call.arguments,
      ...(call.namespace === undefined ? {} : { namespace: call.namespace }),
    });
  });
  return output;
}

/** The real API's first objection to a body, or undefined when it would accept it. */
export function validateResponsesRequest(body: unknown): { message: string; param: string | null } | undefined {
  if (typeof body !== 'object' || body === null) return { message: 'We could not parse the JSON body.', param: null };
  const request = body as JsonObject;
  if (typeof request['model'] !== 'string') return { message: "Missing required parameter: 'model'.", param: 'model' };
  for (const field of ['messages', 'max_tokens', 'max_completion_tokens', 'stream_options']) {
    if (field in request && !(field === 'stream_options' && request['stream'] === true)) {
      return { message: `Unsupported parameter: '${field}'.`, param: field };
    }
  }
  if (request['previous_response_id'] !== undefined && request['previous_response_id'] !== null) {
    return {
      message: `Previous response with id '${String(request['previous_response_id'])}' not found.`,
      param: 'previous_response_id',
    };
  }
  const tools = Array.isArray(request['tools']) ? (request['tools'] as JsonObject[]) : [];
  for (const [index, tool] of tools.entries()) {
    if (tool['type'] === 'function' && (typeof tool['name'] !== 'string' || 'function' in tool)) {
      return { message: `Missing required parameter: 'tools[${index}].name'.`, param: `tools[${index}].name` };
    }
    if (
      tool['type'] !== 'function' &&
      tool['type'] !== 'custom' &&
      tool['type'] !== 'namespace' &&
      !hostedTools.has(String(tool['type']))
    ) {
      return { message: `Invalid value: '${String(tool['type'])}'.`, param: `tools[${index}].type` };
    }
  }
  const input = request['input'];
  if (typeof input === 'string') return undefined;
  if (!Array.isArray(input)) return { message: "Missing required parameter: 'input'.", param: 'input' };
  const calls = new Set<string>();
  for (const [index, item] of (input as JsonObject[]).entries()) {
    const type = item['type'] ?? 'message';
    if (type === 'function_call' || type === 'custom_tool_call') calls.add(String(item['call_id']));
    if (
      (type === 'function_call_output' || type === 'custom_tool_call_output') &&
      !calls.has(String(item['call_id']))
    ) {
      return {
        message: `No tool call found for function call output with call_id ${String(item['call_id'])}.`,
        param: `input[${index}]`,
      };
    }
    if (type === 'message' && !['user', 'assistant', 'system', 'developer'].includes(String(item['role']))) {
      return { message: `Invalid value: '${String(item['role'])}'.`, param: `input[${index}].role` };
    }
  }
  return undefined;
}

function echoTurn(input: unknown): ResponsesTurn {
  if (typeof input === 'string') return { text: `You said: ${input}` };
  const items = Array.isArray(input) ? (input as JsonObject[]) : [];
  const last = items.at(-1);
  if (last?.['type'] === 'function_call_output') return { text: `Tool said: ${String(last['output'])}` };
  const user = items.findLast((item) => item['role'] === 'user');
  const content = user?.['content'];
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? (content as JsonObject[]).map((part) => String(part['text'] ?? '')).join('')
        : '';
  return { text: `You said: ${text}` };
}

function error(
  response: ServerResponse,
  status: number,
  message: string,
  code: string | null,
  param: string | null,
): void {
  sendJson(response, status, { error: { message, type: 'invalid_request_error', param, code } });
}
