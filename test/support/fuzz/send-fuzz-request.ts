import { connect } from 'node:net';
import { errors, type Pool } from 'undici';
import type { FuzzOutcome, FuzzRequest } from './fuzz-request.ts';

/** How long one request may take before it counts as a hang. */
export const requestTimeoutMs = 10_000;

/** Sends one request the way its `transport` says; never throws. */
export async function sendFuzzRequest(
  request: FuzzRequest,
  target: { pool: Pool; host: string; port: number },
): Promise<FuzzOutcome> {
  if (request.transport === 'pool') {
    const outcome = await sendOnPool(request, target.pool);
    if (outcome !== 'refused-by-client') return outcome;
  }
  return sendOnSocket(request, target.host, target.port);
}

/** Keep-alive requests through undici; `refused-by-client` when undici will not send it as given. */
async function sendOnPool(request: FuzzRequest, pool: Pool): Promise<FuzzOutcome | 'refused-by-client'> {
  try {
    const response = await pool.request({
      method: request.method,
      path: request.target,
      headers: request.headers.flat(),
      body: request.body ?? null,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return { kind: 'response', status: response.statusCode, headers, body };
  } catch (error) {
    if (error instanceof errors.InvalidArgumentError || error instanceof errors.NotSupportedError)
      return 'refused-by-client';
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (
      error instanceof errors.HeadersTimeoutError ||
      error instanceof errors.BodyTimeoutError ||
      (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    )
      return { kind: 'timeout', detail };
    return { kind: 'no-answer', detail };
  }
}

/** Serialises a request by hand (`connection: close`), unless it carries its own raw bytes. */
export function serialiseRequest(request: FuzzRequest, host: string, port: number): Buffer {
  if (request.raw !== undefined) return request.raw;
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `host: ${host}:${port}`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  if (request.body !== undefined && !names.has('content-length') && !names.has('transfer-encoding'))
    lines.push(`content-length: ${request.body.length}`);
  if (!names.has('connection')) lines.push('connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return request.body === undefined ? head : Buffer.concat([head, request.body]);
}

/** One connection per request: writes the bytes, reads until the first complete answer. */
function sendOnSocket(request: FuzzRequest, host: string, port: number): Promise<FuzzOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host, port });
    const finish = (outcome: FuzzOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      const partial = parseResponse(Buffer.concat(chunks), request.method);
      finish(partial ?? { kind: 'timeout', detail: `no complete answer in ${requestTimeoutMs} ms` });
    }, requestTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseResponse(Buffer.concat(chunks), request.method);
      if (parsed !== undefined) finish(parsed);
    });
    const closed = (detail: string) => () => {
      const parsed = parseResponse(Buffer.concat(chunks), request.method, true);
      finish(parsed ?? { kind: 'no-answer', detail: chunks.length === 0 ? detail : `${detail} mid-answer` });
    };
    socket.on('end', closed('closed without an answer'));
    socket.on('close', closed('closed without an answer'));
    socket.on('error', (error: Error & { code?: string }) => {
      // The server may answer early (413) and close while we still write: the answer counts.
      closed(`socket error ${error.code ?? error.message}`)();
    });
    socket.write(serialiseRequest(request, host, port));
  });
}

/**
 * The first final (non-1xx) answer in `bytes`, or undefined while it is incomplete. At `eof`, a body
 * without a length runs to the end.
 */
export function parseResponse(bytes: Buffer, method: string, eof = false): FuzzOutcome | undefined {
  let start = 0;
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', start);
    if (headEnd === -1) return undefined;
    const [statusLine = '', ...headerLines] = bytes.subarray(start, headEnd).toString('latin1').split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] =
        headers[name] === undefined
          ? line.slice(colon + 1).trim()
          : `${headers[name]}, ${line.slice(colon + 1).trim()}`;
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304)
      return { kind: 'response', status, headers, body: Buffer.alloc(0) };
    const rest = bytes.subarray(bodyStart);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const body = decodeChunked(rest);
      if (body === undefined) return undefined;
      return { kind: 'response', status, headers, body };
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      const size = Number(length);
      if (rest.length < size) return undefined;
      return { kind: 'response', status, headers, body: rest.subarray(0, size) };
    }
    return eof ? { kind: 'response', status, headers, body: rest } : undefined;
  }
}

function decodeChunked(bytes: Buffer): Buffer | undefined {
  const pieces: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return Buffer.concat(pieces);
    if (size === 0) return Buffer.concat(pieces);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    pieces.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
