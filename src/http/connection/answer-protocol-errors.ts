import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ErrorShape } from '../errors/error-shape.ts';
import { renderError, shapeForPath } from '../errors/register-error-handler.ts';
import { linger } from './lingering-close.ts';

/** The statuses written here, with their reason phrases. */
const reasons: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** A CONNECT tunnel's client may send its TLS hello at once: read a little of it, briefly. */
const connectLinger = { maxBytes: 64 * 1024, maxMs: 1_000 };

/**
 * Answers, as JSON errors, what Node's HTTP server answers (or drops) before a request reaches Fastify:
 * an `Expect` other than `100-continue` (Node: an empty 417), a request Node cannot parse — headers over
 * 16 KB (431), a timeout (408), anything else malformed (400) — for which Node writes a bodiless answer
 * and resets a client still sending, and `CONNECT` (Node: the connection closed without a word). Parse
 * errors are Fastify's `clientErrorHandler` (`answerClientError`), which replaces Fastify's own.
 */
export function answerProtocolErrors(server: Server): void {
  server.on('checkExpectation', answerExpectation);
  server.on('connect', answerConnect);
}

function answerExpectation(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const shape = shapeForPath(url, request.headers['anthropic-version'] !== undefined);
  const error = new GatewayError(
    'expectation_failed',
    'The Expect header is not supported, except for "Expect: 100-continue".',
    { param: 'expect' },
  );
  const requestId = randomUUID();
  const body = JSON.stringify(renderError(error, shape, requestId));
  response.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
  });
  response.end(body);
}

/** Sockets already answered: Node reports a parse error again for each chunk that arrives after it. */
const answered = new WeakSet<Duplex>();

/** Fastify's `clientErrorHandler`: a JSON answer, then a lingering close (a 1 MB header was reset, not 431). */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  const answer = answerFor(error.code);
  // Node's own handler writes only while no response has begun on the socket; so does this one.
  const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (answer === undefined || !socket.writable || current?.headersSent === true) {
    socket.destroy();
    return;
  }
  // A body's framing error comes after the head was read: the answer takes the route's shape then.
  const request = current?.req;
  const shape =
    request?.url === undefined
      ? 'simple'
      : shapeForPath(request.url, request.headers['anthropic-version'] !== undefined);
  socket.end(rawResponse(answer, shape));
  // A timed-out client is slow on purpose, perhaps: it gets no more time. Any other may still be sending.
  if (answer.code === 'request_timeout') setImmediate(() => socket.destroy());
  else linger(socket as Socket, () => false);
}

/** Node's choice of status for a parse error (`lib/_http_server.js`, `socketOnError`), as our errors. */
function answerFor(code: string | undefined): GatewayError | undefined {
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('headers_too_large', 'The request headers are larger than the gateway accepts (16 KB).');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('request_timeout', 'The request did not arrive in time.');
    default:
      return new GatewayError('invalid_request', 'The request is not valid HTTP/1.1.');
  }
}

function answerConnect(_request: IncomingMessage, socket: Duplex): void {
  const error = new GatewayError(
    'method_not_allowed',
    'CONNECT is not supported: the gateway is an API endpoint, not a forward proxy.',
  );
  socket.end(rawResponse(error, 'simple', { allow: 'GET, HEAD, POST, PATCH, DELETE, OPTIONS' }));
  linger(socket as Socket, () => false, connectLinger);
}

/** A whole HTTP/1.1 answer that closes the connection, for a socket Node has not handed to Fastify. */
function rawResponse(error: GatewayError, shape: ErrorShape, headers: Readonly<Record<string, string>> = {}): string {
  const requestId = randomUUID();
  const body = JSON.stringify(renderError(error, shape, requestId));
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${error.status} ${reasons[error.status] ?? 'Error'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `x-request-id: ${requestId}\r\n${extra}connection: close\r\n\r\n${body}`
  );
}
