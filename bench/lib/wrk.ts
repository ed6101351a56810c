import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One HTTP request the load generators repeat. */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Responses other than 2xx/3xx, and socket errors: a run with either is not a valid measurement. */
  failures: number;
}

let scripts = 0;

/**
 * A closed-loop run of wrk (Debian's `wrk`): `connections` connections, each sending the next request
 * when the previous answer arrives, for `seconds`, pinned to `cpu`.
 */
export async function runWrk(options: {
  request: LoadRequest;
  connections: number;
  seconds: number;
  cpu: number;
  dir: string;
  /** wrk's per-request timeout (its default is 2 s). */
  timeoutSeconds?: number;
}): Promise<WrkResult> {
  const bodyFile = join(options.dir, `wrk-body-${scripts}.json`);
  const script = join(options.dir, `wrk-${scripts++}.lua`);
  writeFileSync(bodyFile, options.request.body);
  const headers = Object.entries(options.request.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(
    script,
    `wrk.method = "POST"\n${headers}\nlocal f = io.open(${JSON.stringify(bodyFile)}, "r")\nwrk.body = f:read("*a")\nf:close()\n`,
  );
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      String(options.cpu),
      'wrk',
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--latency',
      '--timeout',
      `${options.timeoutSeconds ?? 2}s`,
      '-s',
      script,
      options.request.url,
    ],
    { maxBuffer: 1 << 20 },
  );
  return parseWrk(stdout);
}

/** Reads the figures out of wrk's `--latency` report. */
export function parseWrk(output: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? Number.NaN);
  const percentile = (label: string): number => {
    const match = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    if (match?.[1] === undefined) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, value) => sum + Number(value), 0);
  if (Number.isNaN(rps)) throw new Error(`unreadable wrk output:\n${output}`);
  return {
    rps,
    p50Ms: percentile('50'),
    p90Ms: percentile('90'),
    p99Ms: percentile('99'),
    failures: non2xx + socketErrors,
  };
}
