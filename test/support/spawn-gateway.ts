import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'llm-proxy.js');

/** A gateway in its own process (`llm-proxy serve`), for what must be measured apart from the test runner. */
export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  port: number;
  /** Every JSON log line the gateway wrote to stdout, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Resident memory of the gateway process, in bytes (Linux: /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts `llm-proxy serve --port 0` with `env` only (plus PATH) and, optionally, a YAML config. */
export async function spawnGateway(options: { env?: Record<string, string>; yaml?: string }): Promise<SpawnedGateway> {
  const args = [cli, 'serve', '--port', '0'];
  if (options.yaml !== undefined) {
    const file = join(mkdtempSync(join(tmpdir(), 'llm-proxy-spawned-')), 'config.yaml');
    writeFileSync(file, options.yaml);
    args.push('--config', file);
  }
  const child = spawn(process.execPath, ['--max-semi-space-size=4', '--no-maglev', ...args], {
    env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'info', ...options.env },
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The port comes from the listening line (logged at info).
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    // Slow on a loaded machine: a start may take many seconds. A gateway that never listens is killed,
    // or it would keep the test process alive.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line; got: ${output}`));
    }, 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on http:\/\/[\d.]+:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}: ${output}`)));
  });
  const lines: Array<Record<string, unknown>> = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const complete = (partial + chunk.toString('utf8')).split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return {
    child,
    lines,
    port,
    url: `http://127.0.0.1:${port}`,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Milliseconds from sending to the end of the answer. */
  elapsedMs: number;
}

/** A POST on its own connection with exactly these headers (node:http, which lets any header through). */
export function rawPost(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text,
            elapsedMs: performance.now() - started,
          }),
        );
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
