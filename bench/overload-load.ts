#!/usr/bin/env node
/**
 * Open-loop overload: request i is due at start + i/rate, sent on an idle keep-alive connection or,
 * when every connection is busy, on a new one — as many independent clients would — so a server past
 * its capacity sees the whole excess instead of a generator slowing down to match it. Raw sockets and
 * a prebuilt request keep the generator cheap enough to offer twice a gateway's capacity from half a
 * machine. Latency counts from when each request was due. Prints one JSON line: answered (2xx), shed
 * (503/429, with how fast), failed (other statuses, resets, timeouts), and percentiles.
 *
 *   node bench/overload-load.ts --request FILE.json --rate 3000 --seconds 10 [--max-connections 4096]
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { percentile } from './lib/stats.ts';
import type { LoadRequest } from './lib/wrk.ts';

const { values } = parseArgs({
  options: {
    request: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'max-connections': { type: 'string', default: '4096' },
    'timeout-ms': { type: 'string', default: '10000' },
  },
});
if (values.request === undefined) throw new Error('--request FILE is required');
const load = JSON.parse(readFileSync(values.request, 'utf8')) as LoadRequest;
const rate = Number(values.rate);
const total = Math.round(rate * Number(values.seconds));
const maxConnections = Number(values['max-connections']);
const timeoutMs = Number(values['timeout-ms']);
const url = new URL(load.url);
const body = Buffer.from(load.body);
const head = [
  `POST ${url.pathname}${url.search} HTTP/1.1`,
  `host: ${url.host}`,
  ...Object.entries(load.headers).map(([name, value]) => `${name}: ${value}`),
  `content-length: ${body.length}`,
  '',
  '',
].join('\r\n');
const wire = Buffer.concat([Buffer.from(head), body]);

const answered: number[] = [];
const shed: number[] = [];
let failed = 0;
let finished = 0;
let opened = 0;
const idle: Connection[] = [];
const waiting: number[] = [];
const start = performance.now();

/** One keep-alive connection carrying one request at a time, with a minimal HTTP/1.1 response reader. */
class Connection {
  readonly socket: Socket;
  #due = 0;
  #busy = false;
  #buffer: Buffer = Buffer.alloc(0);
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    opened++;
    this.socket = connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => this.#fail());
  }

  send(due: number): void {
    this.#due = due;
    this.#busy = true;
    this.#timer = setTimeout(() => this.socket.destroy(), timeoutMs);
    this.socket.write(wire);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end === -1) return;
    const headText = this.#buffer.toString('latin1', 0, end);
    const status = Number(headText.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
    let complete: number;
    if (length !== null) {
      complete = end + 4 + Number(length[1]);
      if (this.#buffer.length < complete) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(headText)) {
      const last = this.#buffer.indexOf('\r\n0\r\n\r\n', end);
      if (last === -1) return;
      complete = last + 7;
    } else return;
    this.#buffer = this.#buffer.subarray(complete);
    clearTimeout(this.#timer);
    this.#busy = false;
    const latency = performance.now() - this.#due;
    if (status >= 200 && status < 300) answered.push(latency);
    else if (status === 503 || status === 429) shed.push(latency);
    else failed++;
    finished++;
    if (/\r\nconnection:\s*close/i.test(headText)) this.socket.destroy();
    else release(this);
  }

  #fail(): void {
    clearTimeout(this.#timer);
    const index = idle.indexOf(this);
    if (index !== -1) idle.splice(index, 1);
    opened--;
    if (this.#busy) {
      this.#busy = false;
      failed++;
      finished++;
    }
  }
}

function release(connection: Connection): void {
  const next = waiting.shift();
  if (next !== undefined) connection.send(next);
  else idle.push(connection);
}

function dispatch(due: number): void {
  const connection = idle.pop();
  if (connection !== undefined) connection.send(due);
  else if (opened < maxConnections) new Connection().send(due);
  else waiting.push(due);
}

let sent = 0;
function pump(): void {
  const now = performance.now();
  const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
  while (sent < due) dispatch(start + (sent++ * 1000) / rate);
  if (sent < total) setTimeout(pump, 1);
}
pump();

const sendEnd = start + (total * 1000) / rate;
while (finished < total && performance.now() < sendEnd + timeoutMs + 1000)
  await new Promise((resolve) => setTimeout(resolve, 20));
const elapsedS = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    rate,
    sent: total,
    answered: answered.length,
    shed: shed.length,
    failed: failed + (total - finished),
    answeredPerSecond: answered.length / Math.max(1, Number(values.seconds)),
    p50Ms: percentile(answered, 50),
    p99Ms: percentile(answered, 99),
    shedP50Ms: percentile(shed, 50),
    shedP99Ms: percentile(shed, 99),
    elapsedS,
  }),
);
process.exit(0);
