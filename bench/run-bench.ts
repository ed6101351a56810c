#!/usr/bin/env node
/**
 * `npm run bench`: the same load against the upstream directly, nginx proxy_pass, the Node floor (a bare
 * node:http + undici passthrough on plain `node`), the Portkey gateway and llm-proxy (bare, bare on plain
 * `node`, governed, governed with Redis limits), with every server under test pinned to CPU 0 and the
 * upstreams and the load generators to CPU 1. Zero-delay JSON calls go to nginx with a canned answer (the
 * Node mock when nginx is missing), streams to the Node mock, which paces them.
 * Writes BENCHMARKS.md and bench/results/latest.json.
 *
 *   npm run bench                  full run (about 16 minutes, 5 of them the memory soak)
 *   npm run bench -- --quick       short run to try the harness; does not write BENCHMARKS.md
 *   npm run bench -- --report-only BENCHMARKS.md again from bench/results/latest.json (after a report change)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import {
  type LatencyResult,
  measureLatency,
  measureOpenLoop,
  measureOverload,
  measureSoak,
  measureStreaming,
  measureThroughput,
  type OpenLoopResult,
  type OverloadResult,
} from './lib/measure.ts';
import { checkMemorySettings } from './lib/memory-settings.ts';
import { rssMb, stopAll, waitForHttp } from './lib/processes.ts';
import { type BenchResults, describeMachine, renderReport } from './lib/report.ts';
import {
  directSystem,
  mockOnly,
  mockPort,
  portkeyInstalled,
  portkeyVia,
  type System,
  slowMockDelayMs,
  slowMockOrigin,
  slowMockPort,
  startCannedUpstream,
  startLlmProxy,
  startMock,
  startNginx,
  startNodeFloor,
  startPortkey,
  startRedis,
} from './lib/systems.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Only the overload section, printed, not written to BENCHMARKS.md (to try it out). */
    'overload-only': { type: 'boolean', default: false },
    'soak-seconds': { type: 'string' },
    /** Writes BENCHMARKS.md from the last run's raw figures, running nothing. */
    'report-only': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const plan = {
  throughputRounds: quick ? 1 : 5,
  throughputSeconds: quick ? 3 : 5,
  latencyRounds: quick ? 2 : 5,
  latencySeconds: quick ? 1 : 3,
  openLoopSeconds: quick ? 3 : 8,
  /** 1,000 req/s, and half of llm-proxy bare's capacity (measured in the run): the second rate is added then. */
  openLoopRates: [1000],
  streamRounds: quick ? 1 : 2,
  streams: quick ? 5 : 15,
  soakSeconds: Number(values['soak-seconds'] ?? (quick ? 20 : 300)),
  overloadSeconds: quick ? 5 : 15,
  // The default admission bound: a closed loop of this many is never refused, so it measures capacity.
  overloadCapacityConnections: 1024,
  overloadCapacitySeconds: quick ? 4 : 8,
};
const serverCpu = 0;
const loadCpu = 1;
const root = join(import.meta.dirname, '..');
const dir = join(root, 'bench', 'results', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const placement = { loadCpu, dir };
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

if (values['report-only']) {
  writeReport(JSON.parse(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8')) as BenchResults);
  process.exit(0);
}
mkdirSync(dir, { recursive: true });
preflight();
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
try {
  await main();
} finally {
  await stopAll();
}

async function main(): Promise<void> {
  if (values['overload-only']) {
    console.log(JSON.stringify(await overloadSection(), null, 2));
    return;
  }
  startMock(dir, loadCpu);
  await waitForHttp(`http://127.0.0.1:${mockPort}/`);
  const canned = await startCannedUpstream(dir, loadCpu);
  if (canned === undefined)
    log(
      'nginx is not installed: the zero-delay JSON upstream is the Node mock, which caps every row near its own rate',
    );
  const upstreams = canned === undefined ? mockOnly : { json: canned, stream: mockOnly.stream };
  const redisUrl =
    (await startRedis(dir, loadCpu, 9107)) ?? ((await redisReachable()) ? 'redis://127.0.0.1:6379/14' : undefined);
  const nginx = await startNginx(dir, serverCpu, 9101, upstreams);
  const nodeFloor = await startNodeFloor(dir, serverCpu, 9109, upstreams);
  const portkey = await startPortkey(dir, serverCpu, 9102, upstreams);
  const bare = await startLlmProxy({ dir, cpu: serverCpu, port: 9103, mode: 'bare', upstreams });
  const barePlain = await startLlmProxy({ dir, cpu: serverCpu, port: 9113, mode: 'bare', upstreams, launch: 'plain' });
  const governed = await startLlmProxy({ dir, cpu: serverCpu, port: 9104, mode: 'governed', upstreams });
  const governedRedis =
    redisUrl === undefined
      ? undefined
      : await startLlmProxy({ dir, cpu: serverCpu, port: 9105, mode: 'governed-redis', redisUrl, upstreams });
  const direct = directSystem(upstreams);
  const proxies = [nginx, nodeFloor, portkey, bare, barePlain, governed, governedRedis].filter(
    (item) => item !== undefined,
  );
  const systems = [direct, ...proxies];
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleRss: Record<string, number> = {};
  for (const system of systems) if (system.process) idleRss[system.id] = Math.round(rssMb(system.process.pid));
  await sanityCheck(systems);
  for (const check of checkMemorySettings())
    log(`memory settings: ${check.passed ? 'ok' : 'FAIL'} ${check.name}: ${check.detail}`);

  log(`max throughput: ${plan.throughputRounds} rounds of ${plan.throughputSeconds} s, 64 connections`);
  const throughputEntries = [
    ...systems.map((system) => ({ id: system.id, request: system.chat(false), system })),
    ...[portkey, bare]
      .filter((system) => system.translated !== undefined)
      .map((system) => ({
        id: `${system.id}-translated`,
        request: system.translated?.() ?? system.chat(false),
        system,
      })),
  ];
  const throughput = await measureThroughput(throughputEntries, {
    ...placement,
    rounds: plan.throughputRounds,
    seconds: plan.throughputSeconds,
  });

  log('bare with --workers 2 (unpinned: it shares both CPUs with the mock and wrk)');
  const workers = await startLlmProxy({ dir, cpu: undefined, port: 9106, mode: 'bare', workers: 2, upstreams });
  const scaling = await measureThroughput([{ id: workers.id, request: workers.chat(false), system: workers }], {
    ...placement,
    rounds: plan.throughputRounds,
    seconds: plan.throughputSeconds,
  });

  log(`added latency at concurrency 1: ${plan.latencyRounds} interleaved rounds`);
  const latency: Record<string, LatencyResult> = await measureLatency(systems, {
    ...placement,
    rounds: plan.latencyRounds,
    seconds: plan.latencySeconds,
  });

  // Issue 27: p99 at half of llm-proxy's capacity, against the floor's at the same rate.
  const halfCapacity = Math.round((throughput['bare']?.medianRps ?? 6000) / 2 / 100) * 100;
  if (!plan.openLoopRates.includes(halfCapacity)) plan.openLoopRates.push(halfCapacity);
  log(`open loop at ${plan.openLoopRates.join(' and ')} req/s`);
  const openLoop: Record<string, OpenLoopResult[]> = {};
  for (const system of systems) {
    openLoop[system.id] = [];
    for (const rate of plan.openLoopRates)
      openLoop[system.id]?.push(await measureOpenLoop(system, rate, { ...placement, seconds: plan.openLoopSeconds }));
  }

  log(`streaming: ${plan.streamRounds} rounds of ${plan.streams} streams of 64 chunks`);
  const streaming = await measureStreaming(systems, { ...placement, rounds: plan.streamRounds, streams: plan.streams });

  const overload = await overloadSection();

  const finalRss: Record<string, number> = {};
  for (const system of systems) if (system.process) finalRss[system.id] = Math.round(rssMb(system.process.pid));

  // A fresh process, so the soak shows memory from start-up on rather than the high-water mark the open-loop
  // overload runs above left behind.
  log(`memory soak: ${plan.soakSeconds} s of max load on a fresh llm-proxy governed`);
  const fresh = await startLlmProxy({ dir, cpu: serverCpu, port: 9108, mode: 'governed', upstreams });
  const soak = await measureSoak(fresh, { ...placement, seconds: plan.soakSeconds });

  const results: BenchResults = {
    date: new Date().toISOString(),
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
    machine: describeMachine(),
    plan,
    systems: {
      ...Object.fromEntries([...systems, workers].map((system) => [system.id, system.label])),
      ...overload.labels,
    },
    idleRss,
    finalRss,
    throughput: { ...throughput, ...scaling },
    latency,
    openLoop,
    streaming,
    soak,
    overload: overload.results,
  };
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (quick) console.log(renderReport(results));
  else writeReport(results);
}

function writeReport(results: BenchResults): void {
  writeFileSync(join(root, 'BENCHMARKS.md'), renderReport(results));
  // Aligned tables, as the lint (Biome formats Markdown too) wants them.
  execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', 'BENCHMARKS.md'], { cwd: root });
  log('wrote BENCHMARKS.md');
}

/**
 * Twice the capacity, behind an upstream that takes 1 s like an LLM: llm-proxy as `npm start` runs it
 * (default admission settings) and Portkey, each on its own fresh process.
 */
async function overloadSection(): Promise<{ results: Record<string, OverloadResult>; labels: Record<string, string> }> {
  log(`overload: open loop at twice capacity for ${plan.overloadSeconds} s, upstream delay ${slowMockDelayMs} ms`);
  startMock(dir, loadCpu, { port: slowMockPort, delayMs: slowMockDelayMs });
  await waitForHttp(`${slowMockOrigin}/`);
  const systems = [
    await startLlmProxy({ dir, cpu: serverCpu, port: 9111, mode: 'bare', upstreamOrigin: slowMockOrigin }),
    portkeyVia(await startPortkey(dir, serverCpu, 9112, mockOnly), slowMockOrigin),
  ];
  const options = {
    ...placement,
    seconds: plan.overloadSeconds,
    capacityConnections: plan.overloadCapacityConnections,
    capacitySeconds: plan.overloadCapacitySeconds,
  };
  const results: Record<string, OverloadResult> = {};
  const labels: Record<string, string> = {};
  for (const system of systems) {
    results[system.id] = await measureOverload(system, options);
    labels[system.id] = system.label;
  }
  return { results, labels };
}

/** wrk and taskset are required; Portkey is installed into bench/node_modules the first time. */
function preflight(): void {
  for (const tool of ['wrk', 'taskset']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is required (Debian: apt install ${tool === 'wrk' ? 'wrk' : 'util-linux'})`);
    }
  }
  if (!portkeyInstalled()) {
    log('installing the Portkey gateway into bench/node_modules (benchmark only)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: join(root, 'bench'), stdio: 'inherit' });
  }
}

/** Each system must answer the benchmark's requests correctly before any of them is timed. */
async function sanityCheck(systems: System[]): Promise<void> {
  for (const system of systems) {
    const requests = [system.chat(false), system.chat(true), ...(system.translated ? [system.translated()] : [])];
    for (const load of requests) {
      const response = await request(load.url, { method: 'POST', headers: load.headers, body: load.body });
      const text = await response.body.text();
      if (response.statusCode !== 200 || !/Hello from the benchmark|tok@/.test(text))
        throw new Error(`${system.label} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    }
  }
}

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
