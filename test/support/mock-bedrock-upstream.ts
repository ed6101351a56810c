import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

type JsonObject = Record<string, unknown>;

export interface BedrockTurn {
  text?: string;
  toolUses?: Array<{ name: string; input: JsonObject }>;
  stopReason?: string;
  /** Streams only: after the text, an in-stream exception of this type instead of messageStop. */
  exception?: string;
}

export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const toolIdPattern = /^[a-zA-Z0-9_-]{1,64}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One binary event-stream message, framed and checksummed by the same codec AWS's SDK uses. */
function frame(headers: Record<string, string>, payload: JsonObject): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, { type: 'string' as const, value }]),
    ),
    body: fromUtf8(JSON.stringify(payload)),
  });
}

const event = (type: string, payload: JsonObject) =>
  frame(
    { ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' },
    { ...payload, p: 'abcdefgh' },
  );

/**
 * A loopback Bedrock Runtime (Converse, ConverseStream) that verifies each call's SigV4 signature
 * with `@smithy/signature-v4` (service `bedrock`, the double-encoded path), or a bearer API key;
 * checks the Converse rules a gateway breaks (one key per content block, alternating roles from
 * `user`, tool-use ids of 64 `[a-zA-Z0-9_-]`, tool results answering earlier tool uses, `toolConfig`
 * whenever the history holds tool blocks); and streams real event-stream frames: no
 * `contentBlockStart` for text, usage in `metadata` after `messageStop`, exceptions inside the stream.
 * @see ../../../shared/specs/WIRE-FORMATS.md §4
 */
export class MockBedrockUpstream extends MockUpstreamServer {
  readonly turns: BedrockTurn[] = [];
  readonly credentials: BedrockCredentials;
  readonly bearer: string | undefined;
  #toolIds = 0;

  constructor(credentials: BedrockCredentials, options: { bearer?: string } = {}) {
    super((request, response) => this.#route(request, response));
    this.credentials = credentials;
    this.bearer = options.bearer;
  }

  get baseUrl(): string {
    return this.origin;
  }

  queueTurn(...turns: BedrockTurn[]): void {
    this.turns.push(...turns);
  }

  async #route(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const auth = await this.#checkAuth(request);
    if (auth !== undefined)
      return sendJson(response, 403, { message: auth }, { 'x-amzn-errortype': 'AccessDeniedException' });
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(request.path);
    if (request.method !== 'POST' || match === null)
      return sendJson(
        response,
        404,
        { message: `no route ${request.path}` },
        { 'x-amzn-errortype': 'UnknownOperationException' },
      );
    const problem = this.#validate(request.body);
    if (problem !== undefined)
      return sendJson(response, 400, { message: problem }, { 'x-amzn-errortype': 'ValidationException' });
    const turn = this.turns.shift() ?? this.#defaultTurn(request.body as JsonObject);
    const toolUses = (turn.toolUses ?? []).map((use) => ({ toolUseId: `tooluse_${++this.#toolIds}abcDEF`, ...use }));
    const stopReason = turn.stopReason ?? (toolUses.length > 0 ? 'tool_use' : 'end_turn');
    const usage = { inputTokens: 11, outputTokens: 6, totalTokens: 17 };
    if (match[2] === 'converse') {
      const content: JsonObject[] = [];
      if (turn.text !== undefined) content.push({ text: turn.text });
      for (const use of toolUses) content.push({ toolUse: use });
      return sendJson(response, 200, {
        output: { message: { role: 'assistant', content } },
        stopReason,
        usage,
        metrics: { latencyMs: 5 },
      });
    }
    response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    const frames: Uint8Array[] = [event('messageStart', { role: 'assistant' })];
    let index = 0;
    if (turn.text !== undefined) {
      for (let at = 0; at < turn.text.length; at += 4)
        frames.push(
          event('contentBlockDelta', { contentBlockIndex: index, delta: { text: turn.text.slice(at, at + 4) } }),
        );
      frames.push(event('contentBlockStop', { contentBlockIndex: index }));
      index++;
    }
    if (turn.exception !== undefined) {
      frames.push(
        frame(
          { ':message-type': 'exception', ':exception-type': turn.exception, ':content-type': 'application/json' },
          { message: 'The model stream failed.' },
        ),
      );
    } else {
      for (const use of toolUses) {
        frames.push(
          event('contentBlockStart', {
            contentBlockIndex: index,
            start: { toolUse: { toolUseId: use.toolUseId, name: use.name } },
          }),
        );
        const json = JSON.stringify(use.input);
        const middle = Math.floor(json.length / 2);
        frames.push(
          event('contentBlockDelta', {
            contentBlockIndex: index,
            delta: { toolUse: { input: json.slice(0, middle) } },
          }),
        );
        frames.push(
          event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: json.slice(middle) } } }),
        );
        frames.push(event('contentBlockStop', { contentBlockIndex: index }));
        index++;
      }
      frames.push(event('messageStop', { stopReason }));
      frames.push(event('metadata', { usage, metrics: { latencyMs: 5 } }));
    }
    // Frames split across writes at odd places, as TCP may deliver them.
    const bytes = Buffer.concat(frames);
    for (let at = 0; at < bytes.length; at += 37) response.write(bytes.subarray(at, at + 37));
    response.end();
  }

  /** Undefined when the call is authenticated; else why not. */
  async #checkAuth(request: RecordedRequest): Promise<string | undefined> {
    const authorization = String(request.headers.authorization ?? '');
    if (this.bearer !== undefined) return authorization === `Bearer ${this.bearer}` ? undefined : 'bad bearer token';
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (match === null) return 'missing or malformed SigV4 Authorization';
    if (match[1] !== this.credentials.accessKeyId) return 'The security token included in the request is invalid.';
    if (match[3] !== this.credentials.region)
      return `credential scope region ${match[3]} is not ${this.credentials.region}`;
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (when === null) return 'missing x-amz-date';
    const signingDate = new Date(
      Date.UTC(
        Number(when[1]),
        Number(when[2]) - 1,
        Number(when[3]),
        Number(when[4]),
        Number(when[5]),
        Number(when[6]),
      ),
    );
    const signedNames = (match[4] ?? '').split(';');
    const headers: Record<string, string> = {};
    for (const name of signedNames) headers[name] = String(request.headers[name] ?? '');
    const signer = new SignatureV4({
      service: 'bedrock',
      region: this.credentials.region,
      sha256: Hash.bind(null, 'sha256'),
      credentials: { accessKeyId: this.credentials.accessKeyId, secretAccessKey: this.credentials.secretAccessKey },
    });
    const [host, port] = String(request.headers.host ?? '').split(':');
    const expected = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: host ?? '',
        ...(port === undefined ? {} : { port: Number(port) }),
        path: request.path,
        query: {},
        headers,
        body: request.rawBody,
      },
      { signingDate },
    );
    return expected.headers['authorization'] === authorization
      ? undefined
      : 'The request signature we calculated does not match the signature you provided.';
  }

  #defaultTurn(body: JsonObject): BedrockTurn {
    const messages = body['messages'] as Array<{ content: JsonObject[] }>;
    const last = messages.at(-1)?.content ?? [];
    const result = last.find((block) => isObject(block['toolResult']))?.['toolResult'];
    if (isObject(result)) {
      const [first] = (result['content'] as JsonObject[] | undefined) ?? [];
      return { text: `Tool said: ${String(first?.['text'] ?? '')}` };
    }
    return {
      text: `You said: ${last.map((block) => (typeof block['text'] === 'string' ? block['text'] : '')).join('')}`,
    };
  }

  #validate(body: unknown): string | undefined {
    if (!isObject(body) || !Array.isArray(body['messages'])) return 'messages is required';
    const messages = body['messages'] as unknown[];
    const toolUseIds = new Set<string>();
    let toolBlocks = false;
    for (const [index, message] of messages.entries()) {
      if (!isObject(message)) return `messages.${index} is not an object`;
      const expectedRole = index % 2 === 0 ? 'user' : 'assistant';
      if (message['role'] !== expectedRole)
        return `A conversation must alternate between user and assistant roles (messages.${index} is ${String(message['role'])}).`;
      const content = message['content'];
      if (!Array.isArray(content) || content.length === 0) return `messages.${index}.content must not be empty`;
      for (const block of content) {
        if (!isObject(block) || Object.keys(block).length !== 1)
          return `messages.${index}.content: a content block must have exactly one member (got ${isObject(block) ? Object.keys(block).join(', ') : typeof block})`;
        const use = block['toolUse'];
        if (isObject(use)) {
          toolBlocks = true;
          const id = String(use['toolUseId']);
          if (!toolIdPattern.test(id))
            return `toolUseId '${id}' fails to satisfy constraint: [a-zA-Z0-9_-]+, length ≤ 64`;
          toolUseIds.add(id);
        }
        const result = block['toolResult'];
        if (isObject(result)) {
          toolBlocks = true;
          if (!toolUseIds.has(String(result['toolUseId'])))
            return `toolResult ${String(result['toolUseId'])} answers no toolUse`;
        }
      }
    }
    if (toolBlocks && !isObject(body['toolConfig']))
      return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
    return undefined;
  }
}
