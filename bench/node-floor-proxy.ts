#!/usr/bin/env node
/**
 * The floor of a gateway on Node: node:http in front of an undici Pool, doing only what every gateway
 * must — read the request and parse its JSON once (to know where it goes), send the caller's bytes on,
 * and pass the answer's bytes back: a JSON answer read whole first, a stream relayed chunk by chunk as
 * it arrives. No routing table, validation, usage reading, logging, metrics, limits or retries. The
 * benchmark runs it beside llm-proxy so that every run shows how close to Node's own limit on this
 * machine the gateway is (docs/performance.md). It runs with plain `node` — no flags, no environment, an
 * undici Pool with its defaults — as a user would write and start it.
 *
 *   node bench/node-floor-proxy.ts --port 9109 --upstream http://127.0.0.1:9114 [--stream-upstream http://127.0.0.1:9100]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: { port: { type: 'string' }, upstream: { type: 'string' }, 'stream-upstream': { type: 'string' } },
});
if (values.port === undefined || values.upstream === undefined) throw new Error('--port and --upstream are required');
const upstream = new Pool(values.upstream);
/** Streams may go elsewhere (the benchmark's paced mock), chosen by the parsed body, as a gateway routes. */
const streamUpstream =
  values['stream-upstream'] === undefined || values['stream-upstream'] === values.upstream
    ? upstream
    : new Pool(values['stream-upstream']);
const upstreamHeaders = { 'content-type': 'application/json' };

async function proxy(request: IncomingMessage, response: ServerResponse, text: string): Promise<void> {
  const body = JSON.parse(text) as { stream?: unknown };
  const answer = await (body.stream === true ? streamUpstream : upstream).request({
    path: request.url ?? '/',
    method: 'POST',
    headers: upstreamHeaders,
    body: text,
  });
  const header = answer.headers['content-type'];
  const contentType = typeof header === 'string' ? header : 'application/json';
  if (body.stream === true) {
    response.writeHead(answer.statusCode, { 'content-type': contentType, 'cache-control': 'no-cache' });
    for await (const chunk of answer.body) response.write(chunk);
    response.end();
    return;
  }
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  response.writeHead(answer.statusCode, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(bytes);
}

createServer((request, response) => {
  if (request.method !== 'POST') {
    response.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    proxy(request, response, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
}).listen(Number(values.port), '127.0.0.1', () => process.send?.('ready'));
