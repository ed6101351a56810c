import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rssMb, sampleRss } from './processes.ts';
import { median, percentile } from './stats.ts';
import type { System } from './systems.ts';
import { type LoadRequest, runWrk, type WrkResult } from './wrk.ts';

const run = promisify(execFile);
const benchDir = join(import.meta.dirname, '..');

/** Where the load generators run: the CPU the gateway under test does not. */
export interface Placement {
  loadCpu: number;
  dir: string;
}

export interface ThroughputResult {
  rps: number[];
  medianRps: number;
  p99Ms: number;
  failures: number;
  peakRssMb: number | undefined;
}

/**
 * Max req/s: wrk with 64 connections against each system in turn, `rounds` times, the order rotated
 * each round so that no system always runs first or last; the median round counts.
 */
export async function measureThroughput(
  entries: { id: string; request: LoadRequest; system: System }[],
  options: Placement & { rounds: number; seconds: number },
): Promise<Record<string, ThroughputResult>> {
  const runs = new Map<string, { results: WrkResult[]; peak: number | undefined }>();
  for (const entry of entries) {
    // Warm-up: JIT, connection pools, caches.
    await runWrk({ request: entry.request, connections: 64, seconds: 2, cpu: options.loadCpu, dir: options.dir });
    runs.set(entry.id, { results: [], peak: undefined });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const entry of rotate(entries, round)) {
      const pid = entry.system.process?.pid;
      const sampler = pid === undefined ? undefined : sampleRss(pid);
      const result = await runWrk({
        request: entry.request,
        connections: 64,
        seconds: options.seconds,
        cpu: options.loadCpu,
        dir: options.dir,
      });
      const slot = runs.get(entry.id);
      if (slot === undefined) continue;
      slot.results.push(result);
      const peak = sampler?.stop();
      if (peak !== undefined) slot.peak = Math.max(slot.peak ?? 0, peak);
    }
  }
  const out: Record<string, ThroughputResult> = {};
  for (const [id, { results, peak }] of runs) {
    out[id] = {
      rps: results.map((item) => Math.round(item.rps)),
      medianRps: Math.round(median(results.map((item) => item.rps))),
      p99Ms: median(results.map((item) => item.p99Ms)),
      failures: results.reduce((sum, item) => sum + item.failures, 0),
      peakRssMb: peak,
    };
  }
  return out;
}

export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  /** Median over rounds of (this system − direct) in the same round. */
  addedP50Ms: number;
  addedP99Ms: number;
}

/**
 * Added latency at concurrency 1: each round runs every system (direct included) back to back, and
 * the difference to direct is taken within the round, so drift of the machine cancels out.
 */
export async function measureLatency(
  systems: System[],
  options: Placement & { rounds: number; seconds: number },
): Promise<Record<string, LatencyResult>> {
  const rounds: Record<string, WrkResult>[] = [];
  for (const system of systems)
    await runWrk({ request: system.chat(false), connections: 1, seconds: 1, cpu: options.loadCpu, dir: options.dir });
  for (let round = 0; round < options.rounds; round++) {
    const results: Record<string, WrkResult> = {};
    for (const system of rotate(systems, round))
      results[system.id] = await runWrk({
        request: system.chat(false),
        connections: 1,
        seconds: options.seconds,
        cpu: options.loadCpu,
        dir: options.dir,
      });
    rounds.push(results);
  }
  const out: Record<string, LatencyResult> = {};
  for (const system of systems) {
    const mine = rounds.map((round) => round[system.id]).filter((item) => item !== undefined);
    const added = (key: 'p50Ms' | 'p99Ms') =>
      median(rounds.map((round) => (round[system.id]?.[key] ?? Number.NaN) - (round['direct']?.[key] ?? Number.NaN)));
    out[system.id] = {
      p50Ms: median(mine.map((item) => item.p50Ms)),
      p99Ms: median(mine.map((item) => item.p99Ms)),
      addedP50Ms: added('p50Ms'),
      addedP99Ms: added('p99Ms'),
    };
  }
  return out;
}

export interface OpenLoopResult {
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
  unfinished: number;
}

/** Runs a constant-rate generator script (`--request --rate --seconds`) on the load CPU; its JSON line. */
async function runRateScript(
  script: string,
  request: LoadRequest,
  rate: number,
  options: Placement & { seconds: number; name: string },
): Promise<unknown> {
  const file = join(options.dir, `${options.name}.json`);
  writeFileSync(file, JSON.stringify(request));
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      String(options.loadCpu),
      process.execPath,
      join(benchDir, script),
      '--request',
      file,
      '--rate',
      String(rate),
      '--seconds',
      String(options.seconds),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout);
}

/** Constant-rate load from bench/open-loop.ts (latency counted from when each request was due). */
export async function measureOpenLoop(
  system: System,
  rate: number,
  options: Placement & { seconds: number },
): Promise<OpenLoopResult> {
  return (await runRateScript('open-loop.ts', system.chat(false), rate, {
    ...options,
    name: `open-loop-${system.id}`,
  })) as OpenLoopResult;
}

export interface StreamResult {
  ttftP50Ms: number;
  ttftP99Ms: number;
  chunkP50Ms: number;
  chunkP99Ms: number;
  failures: number;
  addedTtftP50Ms: number;
  addedChunkP50Ms: number;
}

/** 64-chunk streams one at a time through each system, rounds interleaved (bench/stream-probe.ts). */
export async function measureStreaming(
  systems: System[],
  options: Placement & { rounds: number; streams: number },
): Promise<Record<string, StreamResult>> {
  const samples = new Map<string, { ttft: number[]; chunk: number[]; failures: number }>();
  for (const system of systems) samples.set(system.id, { ttft: [], chunk: [], failures: 0 });
  for (let round = 0; round < options.rounds; round++) {
    for (const system of rotate(systems, round)) {
      const file = join(options.dir, `stream-${system.id}.json`);
      writeFileSync(file, JSON.stringify(system.chat(true)));
      const { stdout } = await run('taskset', [
        '-c',
        String(options.loadCpu),
        process.execPath,
        join(benchDir, 'stream-probe.ts'),
        '--request',
        file,
        '--count',
        String(options.streams),
      ]);
      const probe = JSON.parse(stdout) as { ttftMs: number[]; chunkDelayMs: number[]; failures: number };
      const slot = samples.get(system.id);
      slot?.ttft.push(...probe.ttftMs);
      slot?.chunk.push(...probe.chunkDelayMs);
      if (slot !== undefined) slot.failures += probe.failures;
    }
  }
  const direct = samples.get('direct');
  const out: Record<string, StreamResult> = {};
  for (const [id, { ttft, chunk, failures }] of samples) {
    out[id] = {
      ttftP50Ms: median(ttft),
      ttftP99Ms: percentile(ttft, 99),
      chunkP50Ms: median(chunk),
      chunkP99Ms: percentile(chunk, 99),
      failures,
      addedTtftP50Ms: median(ttft) - median(direct?.ttft ?? []),
      addedChunkP50Ms: median(chunk) - median(direct?.chunk ?? []),
    };
  }
  return out;
}

export interface SoakResult {
  system: string;
  seconds: number;
  rps: number;
  /** RSS every 10 s, MB. */
  samples: number[];
  /** Least-squares slope of RSS over the second half of the run, MB per minute. */
  slopeMbPerMin: number;
}

/** Max load for `seconds` against one system, its RSS sampled every 10 s. */
export async function measureSoak(system: System, options: Placement & { seconds: number }): Promise<SoakResult> {
  const pid = system.process?.pid;
  if (pid === undefined) throw new Error(`soak: ${system.id} is not one process`);
  const samples: number[] = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), 10_000);
  const result = await runWrk({
    request: system.chat(false),
    connections: 64,
    seconds: options.seconds,
    cpu: options.loadCpu,
    dir: options.dir,
  });
  clearInterval(timer);
  samples.push(rssMb(pid));
  const half = samples.slice(Math.floor(samples.length / 2));
  return {
    system: system.id,
    seconds: options.seconds,
    rps: Math.round(result.rps),
    samples: samples.map((value) => Math.round(value)),
    slopeMbPerMin: slope(half) * 6,
  };
}

/** Least-squares slope per sample. */
function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((value, index) => {
    num += (index - meanX) * (value - meanY);
    den += (index - meanX) ** 2;
  });
  return num / den;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export interface OverloadResult {
  /** 2xx per second under a closed loop of `capacityConnections` connections. */
  capacityRps: number;
  rate: number;
  sent: number;
  answered: number;
  shed: number;
  failed: number;
  p50Ms: number | null;
  p99Ms: number | null;
  shedP50Ms: number | null;
  shedP99Ms: number | null;
  peakRssMb: number | undefined;
  /** Five seconds after the run. */
  afterRssMb: number | undefined;
}

/**
 * Overload: capacity first (wrk, closed loop, enough connections to cover the slow upstream's latency;
 * 2xx only), then open-loop load at twice that for `seconds` from bench/overload-load.ts, which opens
 * connections as independent clients would. Peak RSS during the run, and RSS five seconds after it.
 */
export async function measureOverload(
  system: System,
  options: Placement & { seconds: number; capacityConnections: number; capacitySeconds: number },
): Promise<OverloadResult> {
  const request = system.chat(false);
  // wrk's own 2 s timeout would count answers behind a 1 s upstream and a short queue as failures.
  const closedLoop = {
    request,
    connections: options.capacityConnections,
    cpu: options.loadCpu,
    dir: options.dir,
    timeoutSeconds: 10,
  };
  await runWrk({ ...closedLoop, seconds: 2 });
  const capacity = await runWrk({ ...closedLoop, seconds: options.capacitySeconds });
  const capacityRps = Math.max(1, capacity.rps - capacity.failures / options.capacitySeconds);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rate = Math.round(2 * capacityRps);
  const pid = system.process?.pid;
  const sampler = pid === undefined ? undefined : sampleRss(pid);
  const load = (await runRateScript('overload-load.ts', request, rate, {
    ...options,
    name: `overload-${system.id}`,
  })) as Omit<OverloadResult, 'capacityRps' | 'peakRssMb' | 'afterRssMb'>;
  const peakRssMb = sampler?.stop();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const afterRssMb = pid === undefined ? undefined : rssMb(pid);
  return { ...load, capacityRps, peakRssMb, afterRssMb };
}
