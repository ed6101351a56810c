import type { ServerResponse } from 'node:http';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

export type AnthropicTurnBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** What the mock assistant says next; rendered as a Message or as its exact event stream. */
export interface AnthropicTurn {
  content: AnthropicTurnBlock[];
  stopReason?: string;
  stopSequence?: string;
  usage?: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
    /** The writes split by TTL, as Anthropic reports them. */
    cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  };
  model?: string;
}

type JsonObject = Record<string, unknown>;

const versions = new Set(['2023-06-01', '2026-10-21']);
const blockTypes = new Set([
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'container_upload',
]);
/** OpenAI parameters a translating gateway might leak; the real API rejects them as extra inputs. */
const foreignFields = [
  'n',
  'max_completion_tokens',
  'response_format',
  'stream_options',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'user',
  'logit_bias',
  'logprobs',
  'reasoning_effort',
  'parallel_tool_calls',
  'stop',
];
const idPattern = /^[a-zA-Z0-9_-]+$/;

/**
 * A loopback Anthropic Messages API, as strict as the real one: `x-api-key`, a known
 * `anthropic-version`, `max_tokens`, roles `user`/`assistant` only, non-empty text blocks, every
 * `tool_result` answering a `tool_use` of the previous turn (and every `tool_use` answered), no
 * sampling parameters under 2026-10-21, no OpenAI-only fields. Without a queued turn it answers
 * "You said: <last user text>".
 * @see ../../../shared/specs/anthropic/openapi.json, ../../../shared/specs/WIRE-FORMATS.md §2
 */
export class MockAnthropicUpstream extends MockUpstreamServer {
  readonly turns: AnthropicTurn[] = [];
  readonly apiKey: string;
  chunkSize = 5;

  constructor(apiKey: string) {
    super((request, response) => this.#route(request, response));
    this.apiKey = apiKey;
  }

  /** What `ANTHROPIC_BASE_URL` points at (no `/v1`). */
  get baseUrl(): string {
    return this.origin;
  }

  queueTurn(...turns: AnthropicTurn[]): void {
    this.turns.push(...turns);
  }

  #route(request: RecordedRequest, response: ServerResponse) {
    if (request.headers['x-api-key'] !== this.apiKey) {
      return error(response, 401, 'authentication_error', 'invalid x-api-key');
    }
    const version = request.headers['anthropic-version'];
    if (typeof version !== 'string')
      return error(response, 400, 'invalid_request_error', 'anthropic-version: header is required');
    if (!versions.has(version))
      return error(response, 400, 'invalid_request_error', `anthropic-version: unknown version ${version}`);
    const path = request.path.split('?')[0];
    if (request.method === 'POST' && path === '/v1/messages') return this.#messages(request, response, version);
    if (request.method === 'POST' && path === '/v1/messages/count_tokens') {
      const problem = validateMessagesRequest(request.body, version, false);
      if (problem !== undefined) return error(response, 400, 'invalid_request_error', problem);
      return sendJson(response, 200, { input_tokens: Math.ceil(request.rawBody.length / 4) });
    }
    return error(response, 404, 'not_found_error', `Not found: ${request.method} ${request.path}`);
  }

  #messages(request: RecordedRequest, response: ServerResponse, version: string) {
    const problem = validateMessagesRequest(request.body, version, true);
    if (problem !== undefined) return error(response, 400, 'invalid_request_error', problem);
    const body = request.body as JsonObject;
    const turn = this.turns.shift() ?? echoTurn(body['messages'] as JsonObject[]);
    const model = turn.model ?? String(body['model']);
    const stopReason =
      turn.stopReason ?? (turn.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const usage = {
      input_tokens: turn.usage?.input_tokens ?? Math.ceil(request.rawBody.length / 4),
      output_tokens: turn.usage?.output_tokens ?? 7,
      cache_creation_input_tokens: turn.usage?.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: turn.usage?.cache_read_input_tokens ?? 0,
      ...(turn.usage?.cache_creation === undefined ? {} : { cache_creation: turn.usage.cache_creation }),
    };
    const message = {
      id: 'msg_mock123',
      type: 'message',
      role: 'assistant',
      model,
      content: turn.content,
      stop_reason: stopReason,
      stop_sequence: turn.stopSequence ?? null,
      usage: { ...usage, service_tier: 'standard' },
    };
    if (body['stream'] !== true) return sendJson(response, 200, message, { 'request-id': 'req_mock123' });
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'request-id': 'req_mock123',
    });
    const send = (event: string, data: JsonObject): void => {
      response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    };
    send('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    turn.content.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        if (index === 0) send('ping', {});
        for (const piece of split(block.text, this.chunkSize)) {
          send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
        }
      } else if (block.type === 'thinking') {
        send('content_block_start', {
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        });
        for (const piece of split(block.thinking, this.chunkSize)) {
          send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
        }
        send('content_block_delta', {
          index,
          delta: { type: 'signature_delta', signature: block.signature },
        });
      } else {
        send('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
        for (const piece of split(JSON.stringify(block.input), 7)) {
          send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
        }
      }
      send('content_block_stop', { index });
    });
    send('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: turn.stopSequence ?? null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', {});
    response.end();
  }
}

function error(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { type: 'error', error: { type, message }, request_id: 'req_mock_error' });
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

function echoTurn(messages: JsonObject[]): AnthropicTurn {
  const last = messages.at(-1);
  const blocks =
    typeof last?.['content'] === 'string'
      ? [{ type: 'text', text: last['content'] }]
      : (last?.['content'] as JsonObject[]);
  const result = blocks.find((block) => block['type'] === 'tool_result');
  if (result !== undefined) return { content: [{ type: 'text', text: `Tool said: ${textOf(result['content'])}` }] };
  return { content: [{ type: 'text', text: `You said: ${textOf(blocks)}` }] };
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as JsonObject[])
    .filter((block) => block['type'] === 'text')
    .map((block) => String(block['text']))
    .join('\n');
}

/** The checks the real API makes that a translating gateway is most likely to fail. */
export function validateMessagesRequest(body: unknown, version: string, requireMaxTokens: boolean): string | undefined {
  if (typeof body !== 'object' || body === null) return 'body: Input should be an object';
  const request = body as JsonObject;
  if (typeof request['model'] !== 'string') return 'model: Field required';
  if (requireMaxTokens && !Number.isInteger(request['max_tokens'])) return 'max_tokens: Field required';
  for (const field of foreignFields) if (field in request) return `${field}: Extra inputs are not permitted`;
  if (version >= '2026-10-21') {
    for (const field of ['temperature', 'top_p', 'top_k']) {
      if (field in request) return `${field}: is not supported in anthropic-version ${version}`;
    }
  }
  const thinking = request['thinking'] as JsonObject | undefined;
  if (thinking?.['type'] === 'enabled') {
    const budget = thinking['budget_tokens'];
    if (typeof budget !== 'number' || budget < 1024)
      return 'thinking.budget_tokens: Input should be greater than or equal to 1024';
    if (requireMaxTokens && budget >= Number(request['max_tokens']))
      return '`max_tokens` must be greater than `thinking.budget_tokens`';
    if ('temperature' in request && request['temperature'] !== 1)
      return '`temperature` may only be set to 1 when thinking is enabled';
  }
  const system = request['system'];
  if (system !== undefined && typeof system !== 'string') {
    if (!Array.isArray(system) || system.some((block: JsonObject) => block['type'] !== 'text' || !block['text'])) {
      return 'system: Input should be a valid string or a list of non-empty text blocks';
    }
  }
  const metadata = request['metadata'] as JsonObject | undefined;
  if (metadata !== undefined && Object.keys(metadata).some((key) => key !== 'user_id')) {
    return 'metadata: Extra inputs are not permitted';
  }
  for (const [index, tool] of ((request['tools'] as JsonObject[] | undefined) ?? []).entries()) {
    if (tool['type'] !== undefined && tool['type'] !== 'custom') continue;
    if (typeof tool['name'] !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(tool['name']))
      return `tools.${index}.name: invalid`;
    if ((tool['input_schema'] as JsonObject | undefined)?.['type'] !== 'object') {
      return `tools.${index}.input_schema.type: Input should be 'object'`;
    }
  }
  const messages = request['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  let previousToolUses = new Set<string>();
  for (const [index, message] of (messages as JsonObject[]).entries()) {
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    const content = message['content'];
    const blocks: JsonObject[] =
      typeof content === 'string' ? [{ type: 'text', text: content }] : (content as JsonObject[]);
    if (!Array.isArray(blocks)) return `messages.${index}.content: Input should be a valid list`;
    const toolUses = new Set<string>();
    const answered = new Set<string>();
    for (const [position, block] of blocks.entries()) {
      const where = `messages.${index}.content.${position}`;
      if (!blockTypes.has(String(block['type'])))
        return `${where}.type: unknown content block type ${String(block['type'])}`;
      if (block['type'] === 'text' && (typeof block['text'] !== 'string' || block['text'] === '')) {
        return 'messages: text content blocks must be non-empty';
      }
      if (block['type'] === 'tool_use') {
        if (role !== 'assistant') return `${where}: tool_use blocks are only allowed in assistant messages`;
        if (!idPattern.test(String(block['id']))) return `${where}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
        if (typeof block['input'] !== 'object' || block['input'] === null || Array.isArray(block['input'])) {
          return `${where}.input: Input should be a valid dictionary`;
        }
        toolUses.add(String(block['id']));
      }
      if (block['type'] === 'tool_result') {
        if (role !== 'user') return `${where}: tool_result blocks are only allowed in user messages`;
        const id = String(block['tool_use_id']);
        if (!previousToolUses.has(id)) {
          return `${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        answered.add(id);
      }
    }
    if (previousToolUses.size > 0) {
      const missing = [...previousToolUses].filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}`;
      }
    }
    previousToolUses = toolUses;
  }
  return undefined;
}
