import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { turbofanThresholdFlag } from '../../src/cli/runtime-v8-flags.ts';
import { type Started, startProcess, waitForHttp } from './processes.ts';
import type { LoadRequest } from './wrk.ts';

const root = join(import.meta.dirname, '..', '..');
const portkeyServer = join(root, 'bench', 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

export const mockPort = 9100;

/**
 * How `npm start` and the executable's first line start Node (docs/performance.md, memory): the glibc
 * malloc settings and the V8 flags. llm-proxy and the Node floor both run with them.
 */
const launchEnv = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' };
const launchNodeFlags = ['--max-semi-space-size=4', '--no-maglev'];
const mockOrigin = `http://127.0.0.1:${mockPort}`;

/** Something the load is sent to: the mock itself, or a proxy in front of it. */
export interface System {
  id: string;
  label: string;
  /** The process whose memory is reported, when it is one Node process. */
  process: Started | undefined;
  /** A 1 KB OpenAI Chat Completions request, plain or streamed. */
  chat(stream: boolean): LoadRequest;
  /** The same request sent on to an Anthropic upstream (OpenAI → Anthropic translation), if supported. */
  translated: (() => LoadRequest) | undefined;
}

/** A Chat Completions body of about 1 KB (a system prompt and a user turn), `stream` first. */
export function chatBody(model: string, stream: boolean): string {
  const body = (filler: string) =>
    JSON.stringify({
      ...(stream ? { stream: true } : {}),
      model,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'You are a helpful assistant. Answer briefly.' },
        { role: 'user', content: filler },
      ],
    });
  const base = body('').length;
  const words = 'Summarise the following notes about the quarterly plan. ';
  return body(words.repeat(Math.ceil((1024 - base) / words.length)).slice(0, Math.max(0, 1024 - base)));
}

const json = { 'content-type': 'application/json' };

/** The overload run's upstream: like an LLM, it takes a while (1 s) to answer, so concurrency builds up. */
export const slowMockPort = 9110;
export const slowMockDelayMs = 1000;
export const slowMockOrigin = `http://127.0.0.1:${slowMockPort}`;

export function startMock(
  dir: string,
  cpu: number,
  options: { port: number; delayMs: number } = { port: mockPort, delayMs: 0 },
): Started {
  return startProcess({
    name: options.port === mockPort ? 'mock' : `mock-${options.port}`,
    cpu,
    command: process.execPath,
    args: [
      join(root, 'bench', 'mock-upstream.ts'),
      '--port',
      String(options.port),
      '--delay-ms',
      String(options.delayMs),
      '--chunks',
      '64',
      '--chunk-gap-ms',
      '2',
    ],
    logFile: join(dir, `mock-${options.port}.log`),
  });
}

/** The Portkey system sending to another upstream (its upstream is chosen per request, by header). */
export function portkeyVia(portkey: System, origin: string): System {
  const retarget = (request: LoadRequest): LoadRequest => ({
    ...request,
    headers: { ...request.headers, 'x-portkey-custom-host': `${origin}/v1` },
  });
  return {
    ...portkey,
    id: `${portkey.id}-slow-upstream`,
    label: `${portkey.label}, 1 s upstream`,
    chat: (stream) => retarget(portkey.chat(stream)),
  };
}

export function directSystem(): System {
  return {
    id: 'direct',
    label: 'direct to the mock',
    process: undefined,
    chat: (stream) => ({
      url: `${mockOrigin}/v1/chat/completions`,
      headers: json,
      body: chatBody('gpt-bench', stream),
    }),
    translated: undefined,
  };
}

/** nginx `proxy_pass` with upstream keep-alive and no buffering: the floor of one proxy hop. */
export async function startNginx(dir: string, cpu: number, port: number): Promise<System | undefined> {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
  if (nginx === undefined) return undefined;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  upstream mock { server 127.0.0.1:${mockPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`,
  );
  // nginx runs a master and a worker; its memory is not part of the comparison.
  startProcess({
    name: 'nginx',
    cpu,
    command: nginx,
    args: ['-c', conf, '-p', dir],
    logFile: join(dir, 'nginx.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`);
  return {
    id: 'nginx',
    label: 'nginx proxy_pass',
    process: undefined,
    chat: (stream) => ({ url: `${origin}/v1/chat/completions`, headers: json, body: chatBody('gpt-bench', stream) }),
    translated: undefined,
  };
}

/**
 * The floor of a gateway on Node (bench/node-floor-proxy.ts): node:http and an undici Pool, the
 * request parsed once, the bytes passed through, nothing else. Run with llm-proxy's runtime settings
 * (`launchEnv`, `launchNodeFlags` and the TurboFan threshold `serve` sets), so that the two differ only in code.
 */
export async function startNodeFloor(dir: string, cpu: number, port: number): Promise<System> {
  const started = startProcess({
    name: 'node-floor',
    cpu,
    command: process.execPath,
    args: [
      ...launchNodeFlags,
      turbofanThresholdFlag,
      join(root, 'bench', 'node-floor-proxy.ts'),
      '--port',
      String(port),
      '--upstream',
      mockOrigin,
    ],
    env: launchEnv,
    logFile: join(dir, 'node-floor.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`);
  return {
    id: 'node-floor',
    label: 'Node floor (node:http + undici passthrough)',
    process: started,
    chat: (stream) => ({ url: `${origin}/v1/chat/completions`, headers: json, body: chatBody('gpt-bench', stream) }),
    translated: undefined,
  };
}

/** The Portkey gateway from npm (bench/node_modules), routed by its headers to the mock. */
export async function startPortkey(dir: string, cpu: number, port: number): Promise<System> {
  const started = startProcess({
    name: 'portkey',
    cpu,
    command: process.execPath,
    args: [portkeyServer, `--port=${port}`, '--headless'],
    env: { NODE_ENV: 'production' },
    logFile: join(dir, 'portkey.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`);
  const headers = (provider: string) => ({
    ...json,
    authorization: 'Bearer sk-bench',
    'x-portkey-provider': provider,
    'x-portkey-custom-host': `${mockOrigin}/v1`,
  });
  return {
    id: 'portkey',
    label: 'Portkey gateway 1.15.2',
    process: started,
    chat: (stream) => ({
      url: `${origin}/v1/chat/completions`,
      headers: headers('openai'),
      body: chatBody('gpt-bench', stream),
    }),
    translated: () => ({
      url: `${origin}/v1/chat/completions`,
      headers: headers('anthropic'),
      body: chatBody('claude-bench', false),
    }),
  };
}

export type LlmProxyMode = 'bare' | 'governed' | 'governed-redis';

/**
 * llm-proxy from this checkout. Bare: no master key, no usage rows. Governed: a master key, a virtual
 * key with rpm/tpm/budget/parallel limits on every request, usage rows written to SQLite, a priced
 * model (so the budget counts); `governed-redis` keeps the limits in Redis, as replicas would.
 */
export async function startLlmProxy(options: {
  dir: string;
  cpu: number | undefined;
  port: number;
  mode: LlmProxyMode;
  workers?: number;
  redisUrl?: string;
  /** Another upstream than the zero-delay mock (the overload run's slow one). */
  upstreamOrigin?: string;
  /** A command the gateway runs under (`valgrind --tool=callgrind …`), Node and its arguments appended. */
  wrap?: readonly string[];
  /** Extra Node flags (`--perf-basic-prof`). */
  nodeFlags?: readonly string[];
  /** How long to wait for it to come up (under valgrind it takes a while). */
  startTimeoutMs?: number;
}): Promise<System> {
  const { dir, port, mode } = options;
  const config = join(dir, `llm-proxy-${mode}-${port}.yaml`);
  const masterKey = 'sk-bench-master-key-0123456789abcdef';
  writeFileSync(
    config,
    mode === 'bare'
      ? 'governance:\n  usage_records: false\n'
      : 'pricing:\n  openai/gpt-bench: { input: 1, output: 2 }\n  anthropic/claude-bench: { input: 1, output: 2 }\n',
  );
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${options.upstreamOrigin ?? mockOrigin}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: options.upstreamOrigin ?? mockOrigin,
    DATABASE_URL: `sqlite:${join(dir, `llm-proxy-${mode}-${port}.sqlite`)}`,
    ...launchEnv,
  };
  if (mode !== 'bare') env['LLM_PROXY_MASTER_KEY'] = masterKey;
  if (mode === 'governed-redis' && options.redisUrl !== undefined) env['REDIS_URL'] = options.redisUrl;
  const workers = options.workers ?? 1;
  const started = startProcess({
    name: `llm-proxy-${mode}`,
    cpu: options.cpu,
    command: options.wrap?.[0] ?? process.execPath,
    args: [
      ...(options.wrap === undefined ? [] : [...options.wrap.slice(1), process.execPath]),
      ...launchNodeFlags,
      ...(options.nodeFlags ?? []),
      join(root, 'bin', 'llm-proxy.js'),
      'serve',
      '--port',
      String(port),
      '--config',
      config,
      ...(workers > 1 ? ['--workers', String(workers)] : []),
    ],
    env,
    logFile: join(dir, `llm-proxy-${mode}-${port}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`, options.startTimeoutMs);
  const auth = mode === 'bare' ? {} : { authorization: `Bearer ${await createVirtualKey(origin, masterKey)}` };
  const headers = { ...json, ...auth };
  return {
    id: `${workers > 1 ? `${mode}-workers-${workers}` : mode}${options.upstreamOrigin === undefined ? '' : '-slow-upstream'}`,
    label: `llm-proxy ${mode}${workers > 1 ? `, --workers ${workers}` : ''}${options.upstreamOrigin === undefined ? '' : ', 1 s upstream'}`,
    process: workers > 1 ? undefined : started,
    chat: (stream) => ({
      url: `${origin}/v1/chat/completions`,
      headers,
      body: chatBody('openai/gpt-bench', stream),
    }),
    translated: () => ({
      url: `${origin}/v1/chat/completions`,
      headers,
      body: chatBody('anthropic/claude-bench', false),
    }),
  };
}

/** A key with every limit set (high enough never to refuse), so each request pays for every check. */
async function createVirtualKey(origin: string, masterKey: string): Promise<string> {
  const response = await request(`${origin}/admin/keys`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${masterKey}` },
    body: JSON.stringify({
      name: 'bench',
      rpm_limit: 100_000_000,
      tpm_limit: 100_000_000_000,
      max_budget_usd: 1_000_000_000,
      budget_period: 'monthly',
      max_parallel: 10_000,
    }),
  });
  const created = (await response.body.json()) as { key?: string };
  if (response.statusCode !== 201 || created.key === undefined)
    throw new Error(`creating the bench key failed: ${response.statusCode} ${JSON.stringify(created)}`);
  return created.key;
}

/**
 * A Redis of the benchmark's own, pinned with the load (as a Redis on another host would be), so that
 * the gateway's CPU pays only for its client side. Undefined when redis-server is not installed.
 */
export async function startRedis(dir: string, cpu: number, port: number): Promise<string | undefined> {
  const server = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
  if (server === undefined) return undefined;
  startProcess({
    name: 'redis',
    cpu,
    command: server,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    logFile: join(dir, 'redis.log'),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return `redis://127.0.0.1:${port}`;
}

/** Portkey is a benchmark-only dependency: installed into bench/node_modules on first use. */
export function portkeyInstalled(): boolean {
  return existsSync(portkeyServer);
}
