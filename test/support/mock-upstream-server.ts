import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the mock upstream received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, or undefined when it was not JSON. */
  body: unknown;
}

/**
 * A scripted answer, used by the next request instead of the mock's normal behaviour:
 * - `status`/`body`/`headers`: a literal response (a string body is sent as is, anything else as JSON);
 * - `sse`: raw SSE text pieces written one by one, `gapMs` apart; `end: false` leaves the stream open
 *   until the client goes away, `reset: true` destroys the socket after the last piece;
 * - `reset`: the socket is destroyed without an answer;
 * - `delayMs`: wait before answering (with the rest of the script, or the normal behaviour).
 */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  sse?: string[];
  gapMs?: number;
  end?: boolean;
  reset?: boolean;
  delayMs?: number;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A loopback HTTP server standing in for a provider API. It records every request, serves scripted
 * replies first, then falls back to the format's normal behaviour (`handle`). Tests read
 * `requests` to assert on what the gateway sent.
 */
export class MockUpstreamServer {
  readonly requests: RecordedRequest[] = [];
  readonly #script: ScriptedReply[] = [];
  readonly #server: Server;
  readonly #handle: Handler;
  /** Requests whose client went away before the response finished, by path. */
  readonly aborted: string[] = [];

  constructor(handle: Handler) {
    this.#handle = handle;
    this.#server = createServer((request, response) => {
      this.#serve(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `http://127.0.0.1:PORT`. */
  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues replies for the next requests, in order. */
  enqueue(...replies: ScriptedReply[]): void {
    this.#script.push(...replies);
  }

  get lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (last === undefined) throw new Error('the mock upstream has received no request');
    return last;
  }

  reset(): void {
    this.requests.length = 0;
    this.#script.length = 0;
    this.aborted.length = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      rawBody,
      body,
    };
    this.requests.push(recorded);
    response.once('close', () => {
      if (!response.writableFinished) this.aborted.push(recorded.path);
    });
    const scripted = this.#script.shift();
    if (scripted === undefined) return this.#handle(recorded, response);
    if (scripted.delayMs !== undefined) await sleep(scripted.delayMs);
    if (response.destroyed) return;
    if (scripted.reset === true && scripted.sse === undefined) {
      response.socket?.destroy();
      return;
    }
    if (scripted.sse !== undefined) return writeSse(response, scripted);
    if (scripted.status === undefined && scripted.body === undefined) return this.#handle(recorded, response);
    const text = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {});
    response.writeHead(scripted.status ?? 200, {
      'content-type': typeof scripted.body === 'string' ? 'text/plain' : 'application/json',
      ...scripted.headers,
    });
    response.end(text);
  }
}

async function writeSse(response: ServerResponse, scripted: ScriptedReply): Promise<void> {
  response.writeHead(scripted.status ?? 200, { 'content-type': 'text/event-stream', ...scripted.headers });
  for (const piece of scripted.sse ?? []) {
    if (response.destroyed) return;
    response.write(piece);
    if (scripted.gapMs !== undefined) await sleep(scripted.gapMs);
  }
  if (scripted.reset === true) {
    // Let what was written reach the client first: destroy() discards unflushed writes.
    await sleep(30);
    response.socket?.destroy();
    return;
  }
  if (scripted.end !== false) response.end();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
