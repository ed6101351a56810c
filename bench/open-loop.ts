#!/usr/bin/env node
/**
 * Open-loop (constant-rate) load: request i is due at start + i/rate whether or not earlier ones have
 * answered, and its latency counts from when it was due, so a stalled server shows in the figures
 * instead of slowing the generator down (no coordinated omission). Prints one JSON line.
 *
 *   node bench/open-loop.ts --request FILE.json --rate 1000 --seconds 10
 *
 * FILE.json is a LoadRequest: {url, headers, body}.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { percentile } from './lib/stats.ts';
import type { LoadRequest } from './lib/wrk.ts';

const { values } = parseArgs({
  options: {
    request: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
  },
});
if (values.request === undefined) throw new Error('--request FILE is required');
const load = JSON.parse(readFileSync(values.request, 'utf8')) as LoadRequest;
const rate = Number(values.rate);
const total = Math.round(rate * Number(values.seconds));
const url = new URL(load.url);
const pool = new Pool(url.origin, { connections: 512, pipelining: 1 });
const path = url.pathname + url.search;

const latencies: number[] = [];
let sent = 0;
let finished = 0;
let failures = 0;
const start = performance.now();

function send(index: number): void {
  const due = start + (index * 1000) / rate;
  pool.request({ method: 'POST', path, headers: load.headers, body: load.body }).then(
    async (response) => {
      await response.body.dump();
      if (response.statusCode >= 300) failures++;
      else latencies.push(performance.now() - due);
      finished++;
    },
    () => {
      failures++;
      finished++;
    },
  );
}

/** Sends whatever has fallen due, every millisecond (timers are the finest cheap clock Node has). */
function pump(): void {
  const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
  while (sent < due) send(sent++);
  if (sent < total) setTimeout(pump, 1);
}

pump();
const graceMs = 10_000;
const sendEnd = start + (total * 1000) / rate;
while (finished < total && performance.now() < sendEnd + graceMs)
  await new Promise((resolve) => setTimeout(resolve, 20));
console.log(
  JSON.stringify({
    rate,
    sent: total,
    completed: latencies.length,
    failures,
    unfinished: total - finished,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
  }),
);
await pool.destroy();
