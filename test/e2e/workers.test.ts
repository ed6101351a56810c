import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.ts';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'llm-proxy.js');
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info' };

interface LogLine {
  pid?: number;
  msg?: string;
  route?: string;
  status?: number;
}

/** A `serve --workers N` primary, its stdout parsed into log lines as they come. */
class WorkerPool {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  #buffer = '';

  constructor(args: string[], extraEnv: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
      env: { ...env, ...extraEnv },
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      const complete = this.#buffer.split('\n');
      this.#buffer = complete.pop() ?? '';
      for (const line of complete) if (line.trim() !== '') this.lines.push(JSON.parse(line) as LogLine);
    });
  }

  /** Waits (up to 15 s) for a line matching `test`, counting only lines after the first `skip`. */
  async waitFor(test: (line: LogLine) => boolean, skip = 0): Promise<LogLine> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const found = this.lines.slice(skip).find(test);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no such log line; got: ${JSON.stringify(this.lines)}`);
  }

  /**
   * Waits (up to 15 s) until `count` lines match `test`. Each process buffers its log lines (a 250 ms
   * flush), so the primary's "N workers listening" can reach the pipe before a worker's own line.
   */
  async waitForAll(test: (line: LogLine) => boolean, count: number): Promise<LogLine[]> {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const found = this.lines.filter(test);
      if (found.length >= count) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${count} such log lines; got: ${JSON.stringify(this.lines)}`);
  }

  /** Ends the pool at once if a test failed before stopping it, so that no process outlives the suite. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async port(): Promise<number> {
    const line = await this.waitFor((item) => /workers listening on port \d+/.test(item.msg ?? ''));
    return Number(/port (\d+)/.exec(line.msg ?? '')?.[1]);
  }

  /** SIGTERM, then the exit code (SIGKILL after 15 s so a stuck pool cannot hang the suite). */
  stop(): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      this.child.kill('SIGTERM');
    });
  }
}

/** POST /chat to the mock provider on a new connection each time, so the kernel chooses a worker each time. */
function chatOnNewConnection(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ provider: 'mock', model: 'echo', prompt: 'hi' });
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/chat',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** GET `path` on a new connection: status and body. */
function getOnNewConnection(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Any request on a new connection: status, headers and body. */
function sendOnNewConnection(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path: options.path, method: options.method, agent: false, headers: options.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('llm-proxy serve --workers', () => {
  it('runs N processes on one port, spreads connections over them, and drains them all on SIGTERM', async () => {
    const pool = new WorkerPool(['--workers', '2']);
    try {
      const port = await pool.port();
      const statuses = await Promise.all(Array.from({ length: 40 }, () => chatOnNewConnection(port)));
      assert.deepEqual(new Set(statuses), new Set([200]));
      // Whichever worker takes the scrape, /metrics counts the whole pool's requests.
      const counted: number[] = [];
      for (let scrape = 0; scrape < 6; scrape++) {
        const metrics = await getOnNewConnection(port, '/metrics');
        assert.equal(metrics.status, 200);
        const samples = parsePrometheusText(metrics.body);
        counted.push(sampleSum(samples, 'llm_proxy_requests_total', { route: '/chat', status: '200' }));
      }
      assert.deepEqual(new Set(counted), new Set([40]));
      assert.equal(await pool.stop(), 0);
      const served = new Set(pool.lines.filter((line) => line.route === '/chat').map((line) => line.pid));
      assert.equal(served.size, 2, 'both workers served requests');
      assert.equal(pool.lines.filter((line) => line.route === '/chat').length, 40, 'every request line was flushed');
      assert.equal(pool.lines.filter((line) => line.msg === 'shutting down').length, 2, 'each worker drained');
    } finally {
      pool.kill();
    }
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const pool = new WorkerPool(['--workers', '2']);
    try {
      const port = await pool.port();
      const workerPids = (
        await pool.waitForAll((line) => /^llm-proxy [\d.]+ listening on/.test(line.msg ?? ''), 2)
      ).map((line) => line.pid);
      assert.equal(workerPids.length, 2);
      const before = pool.lines.length;
      process.kill(workerPids[0] ?? 0, 'SIGKILL');
      await pool.waitFor((line) => line.msg === 'llm-proxy primary: a worker died; starting another', before);
      const replacement = await pool.waitFor((line) => /^llm-proxy [\d.]+ listening on/.test(line.msg ?? ''), before);
      assert.ok(replacement.pid !== undefined && !workerPids.includes(replacement.pid));
      const statuses = await Promise.all(Array.from({ length: 10 }, () => chatOnNewConnection(port)));
      assert.deepEqual(new Set(statuses), new Set([200]));
      assert.equal(await pool.stop(), 0);
    } finally {
      pool.kill();
    }
  });

  it('a dashboard sign-in holds on every worker, and a sign-out ends it on every worker', async () => {
    const masterKey = 'sk-master-workers-ui-0123456789';
    const directory = mkdtempSync(join(tmpdir(), 'llm-proxy-workers-ui-'));
    const pool = new WorkerPool(['--workers', '2'], {
      LLM_PROXY_MASTER_KEY: masterKey,
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: `sqlite:${join(directory, 'gateway.sqlite')}`,
    });
    try {
      const port = await pool.port();
      const signIn = await sendOnNewConnection(port, {
        method: 'POST',
        path: '/ui/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: masterKey }).toString(),
      });
      assert.equal(signIn.status, 303);
      const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
      const status = () => sendOnNewConnection(port, { method: 'GET', path: '/admin/status', headers: { cookie } });
      const signedIn = await Promise.all(Array.from({ length: 20 }, status));
      assert.deepEqual(new Set(signedIn.map((answer) => answer.status)), new Set([200]));
      const signOut = await sendOnNewConnection(port, {
        method: 'POST',
        path: '/ui/sign-out',
        headers: { cookie, 'x-llm-proxy-csrf': '1' },
      });
      assert.equal(signOut.status, 204);
      // Each worker remembers a sign-in it has confirmed for a second at most.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const signedOut = await Promise.all(Array.from({ length: 20 }, status));
      assert.deepEqual(new Set(signedOut.map((answer) => answer.status)), new Set([401]));
      assert.equal(await pool.stop(), 0);
      const served = pool.lines.filter((line) => line.route === '/admin/status' && line.status === 200);
      assert.equal(new Set(served.map((line) => line.pid)).size, 2, 'both workers took the sign-in');
    } finally {
      pool.kill();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses per-worker copies of shared state: keys without REDIS_URL exit 1 with the reason', () => {
    const result = spawnSync(process.execPath, [cli, 'serve', '--workers', '2'], {
      encoding: 'utf8',
      env: { ...env, LLM_PROXY_MASTER_KEY: 'sk-master-workers-test-0123456789' },
      cwd: tmpdir(),
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^llm-proxy: --workers 2 with keys needs REDIS_URL: .*\n$/);
    const zero = spawnSync(process.execPath, [cli, 'serve', '--workers', '0'], {
      encoding: 'utf8',
      env,
      cwd: tmpdir(),
    });
    assert.equal(zero.status, 1);
    assert.match(zero.stderr, /--workers: must be 'auto' or an integer from 1 to 256/);
  });
});
