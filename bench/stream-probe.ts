#!/usr/bin/env node
/**
 * Streams one request at a time and times every token on arrival. The bench mock stamps each token
 * `tok@<ns>` with its monotonic clock when it wrote the event; this process reads the same clock, so
 * arrival − stamp is how long the chunk took to get through whatever sits in between. Prints one JSON
 * line: time to first token per stream, and every chunk's delay.
 *
 *   node bench/stream-probe.ts --request FILE.json --count 20 --chunks 64
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { LoadRequest } from './lib/wrk.ts';

const { values } = parseArgs({
  options: {
    request: { type: 'string' },
    count: { type: 'string', default: '20' },
    chunks: { type: 'string', default: '64' },
  },
});
if (values.request === undefined) throw new Error('--request FILE is required');
const load = JSON.parse(readFileSync(values.request, 'utf8')) as LoadRequest;
const url = new URL(load.url);
const pool = new Pool(url.origin, { connections: 1 });
const expected = Number(values.chunks);
const stamp = /tok@(\d+)/;

const ttftMs: number[] = [];
const chunkDelayMs: number[] = [];
let failures = 0;

for (let index = 0; index < Number(values.count); index++) {
  const started = process.hrtime.bigint();
  const response = await pool.request({
    method: 'POST',
    path: url.pathname,
    headers: load.headers,
    body: load.body,
  });
  let tokens = 0;
  let pending = '';
  for await (const chunk of response.body) {
    const arrived = process.hrtime.bigint();
    // Only whole SSE events are read; a partial one waits for the rest of it.
    const events = (pending + (chunk as Buffer).toString('latin1')).split('\n\n');
    pending = events.pop() ?? '';
    for (const event of events) {
      const match = stamp.exec(event);
      if (match?.[1] === undefined) continue;
      tokens++;
      if (tokens === 1) ttftMs.push(Number(arrived - started) / 1e6);
      chunkDelayMs.push(Number(arrived - BigInt(match[1])) / 1e6);
    }
  }
  if (response.statusCode !== 200 || tokens !== expected) failures++;
}
console.log(JSON.stringify({ ttftMs, chunkDelayMs, failures }));
await pool.destroy();
