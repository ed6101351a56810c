import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { request } from 'undici';

/** A server under test (or the mock), started by the benchmark and stopped at its end. */
export interface Started {
  name: string;
  child: ChildProcess;
  /** The process whose memory is reported (for `taskset`, the command itself: it execs). */
  pid: number;
}

const started: Started[] = [];

/**
 * Starts `command` pinned to `cpu` with `taskset` (or unpinned when `cpu` is undefined), its output
 * going to `logFile`.
 */
export function startProcess(options: {
  name: string;
  cpu: number | undefined;
  command: string;
  args: string[];
  env?: Record<string, string>;
  logFile: string;
}): Started {
  const log = openSync(options.logFile, 'w');
  const [file, args] =
    options.cpu === undefined
      ? [options.command, options.args]
      : ['taskset', ['-c', String(options.cpu), options.command, ...options.args]];
  const child = spawn(file, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log],
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const handle = { name: options.name, child, pid: child.pid };
  started.push(handle);
  return handle;
}

/** Polls `url` until it answers at all (any status), or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await request(url);
      await response.body.dump();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not come up: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Resident set size of `pid` in MB, from /proc (0 once the process is gone). */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]) / 1024;
  } catch {
    return 0;
  }
}

/** Samples `pid`'s RSS every `everyMs` until `stop()`; returns the peak. */
export function sampleRss(pid: number, everyMs = 250): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}

/** SIGTERM to everything started, SIGKILL to what is still there after 5 s. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    started.splice(0).map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
