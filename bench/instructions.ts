#!/usr/bin/env node
/**
 * `npm run bench:instructions`: CPU instructions per proxied request, counted by valgrind's callgrind
 * — the same count on every run, whatever the VM's speed is doing, so that a change worth 2% shows as
 * 2% (throughput A/B runs on these machines drift by ±25%). llm-proxy runs under callgrind with
 * counting off; after a warm-up it is switched on for a fixed number of requests, and the count is
 * split into V8's garbage collector, its optimising compilers (still busy under valgrind's slowness,
 * so left out of the comparison) and the work itself. Kernel time (system calls) is not counted.
 *
 *   npm run bench:instructions                          bare and governed, 3,000 requests each
 *   npm run bench:instructions -- --modes governed --requests 5000 --top 40
 *   npm run bench:instructions -- --modes node-floor,bare   the plain-node floor too (the gap is what to find)
 *   npm run bench:instructions -- --node-flags --max-semi-space-size=4
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { annotateDump, type InstructionBreakdown } from './lib/callgrind.ts';
import { stopAll } from './lib/processes.ts';
import { type LlmProxyMode, mockOnly, type System, startLlmProxy, startMock, startNodeFloor } from './lib/systems.ts';

/** llm-proxy's modes, and the Node floor (bench/node-floor-proxy.ts, plain `node`) for the gap. */
type Mode = LlmProxyMode | 'node-floor';

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'bare,governed' },
    requests: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '3000' },
    /** Requests in flight at once (wrk's max-throughput runs keep 64). */
    concurrency: { type: 'string', default: '16' },
    /** Also list the N costliest functions of each mode (self instructions per request). */
    top: { type: 'string', default: '0' },
    /** Extra Node flags for the gateway, space-separated (`--max-semi-space-size=4`), to compare V8 settings. */
    'node-flags': { type: 'string', default: '' },
    /** YAML appended to llm-proxy's generated config (`"governance:\n  usage_batch_size: 64\n"`), to compare settings. */
    yaml: { type: 'string', default: '' },
  },
});

const requests = Number(values.requests);
const warmup = Number(values.warmup);
const modes = values.modes.split(',') as Mode[];
const dir = join(import.meta.dirname, 'results', 'instructions');

/** Sends exactly `count` requests, `concurrency` at a time; fails on any non-2xx answer. */
async function send(system: System, count: number, concurrency = Number(values.concurrency)): Promise<void> {
  const load = system.chat(false);
  const url = new URL(load.url);
  const pool = new Pool(url.origin, { connections: concurrency });
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent += 1;
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: load.headers,
        body: load.body,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`${system.label}: status ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
}

async function measure(mode: Mode, port: number): Promise<InstructionBreakdown> {
  const prefix = join(dir, `callgrind-${mode}`);
  const wrap = ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${prefix}.%p`];
  const nodeFlags = ['--perf-basic-prof', ...values['node-flags'].split(' ').filter((flag) => flag !== '')];
  const system =
    mode === 'node-floor'
      ? await startNodeFloor(dir, 0, port, mockOnly, { wrap, nodeFlags, startTimeoutMs: 180_000 })
      : await startLlmProxy({
          dir,
          cpu: 0,
          port,
          mode,
          wrap,
          nodeFlags,
          startTimeoutMs: 180_000,
          extraConfig: values.yaml.replaceAll('\\n', '\n'),
        });
  const pid = system.process?.pid;
  if (pid === undefined) throw new Error('no process to count');
  await send(system, warmup);
  execFileSync('callgrind_control', ['--instr=on', String(pid)], { stdio: 'ignore' });
  await send(system, requests);
  execFileSync('callgrind_control', ['--instr=off', String(pid)], { stdio: 'ignore' });
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' });
  await stopAll();
  const dump = `${prefix}.${pid}.1`;
  if (!existsSync(dump)) throw new Error(`callgrind wrote no dump for ${mode}`);
  const perfMap = `/tmp/perf-${pid}.map`;
  return annotateDump(dump, existsSync(perfMap) ? perfMap : undefined);
}

function perRequest(instructions: number): string {
  return Math.round(instructions / requests).toLocaleString('en-US');
}

mkdirSync(dir, { recursive: true });
const results: Array<{ mode: Mode; breakdown: InstructionBreakdown }> = [];
try {
  for (const [index, mode] of modes.entries()) {
    startMock(dir, 1);
    results.push({ mode, breakdown: await measure(mode, 9300 + index) });
  }
} finally {
  await stopAll();
}

console.log(
  `Instructions per request (${requests.toLocaleString('en-US')} requests after ${warmup} of warm-up, ${values.concurrency} at a time)\n`,
);
console.log('| mode | work | garbage collector | JIT compilers | total |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const { mode, breakdown } of results) {
  const { byShare, total } = breakdown;
  console.log(
    `| ${mode} | ${perRequest(byShare.work)} | ${perRequest(byShare.gc)} | ${perRequest(byShare.jit)} | ${perRequest(total)} |`,
  );
}
const top = Number(values.top);
for (const { mode, breakdown } of top > 0 ? results : []) {
  console.log(`\n${mode}: costliest functions (self, per request)`);
  for (const fn of breakdown.functions.filter((entry) => entry.share === 'work').slice(0, top))
    console.log(`${perRequest(fn.instructions).padStart(8)}  ${fn.name.slice(0, 140)}`);
}
