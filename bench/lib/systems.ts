import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { anthropicAnswer, openAIAnswer } from './canned-answers.ts';
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

/**
 * Where the proxies send what: zero-delay JSON answers to `json` (nginx with a canned answer when
 * installed, which costs so little that it is never the bottleneck), streams to `stream` (the Node mock,
 * which paces SSE events and stamps each token). Without nginx both are the Node mock.
 */
export interface Upstreams {
  json: string;
  stream: string;
}

export const mockOnly: Upstreams = { json: mockOrigin, stream: mockOrigin };

export const cannedPort = 9114;

function findNginx(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
}

/** An nginx string literal in single quotes. */
function nginxQuoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The top of every nginx.conf the benchmark writes: one worker, files in `dir`, no access log. */
function nginxPreamble(dir: string, name: string): string {
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/${name}.pid;
error_log ${dir}/${name}-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path ${dir}/${name}-body;
  proxy_temp_path ${dir}/${name}-proxy;
  fastcgi_temp_path ${dir}/${name}-fastcgi;
  uwsgi_temp_path ${dir}/${name}-uwsgi;
  scgi_temp_path ${dir}/${name}-scgi;
`;
}

/**
 * The zero-delay JSON upstream: nginx answering every Chat Completions and Messages call with the canned
 * answer (`return 200`), pinned to `cpu` with the load generators. The Node mock spent as much CPU per
 * request as a proxy and capped every row near its own rate; nginx answers several times faster. Undefined
 * when nginx is not installed (the caller falls back to the Node mock).
 */
export async function startCannedUpstream(dir: string, cpu: number, port = cannedPort): Promise<string | undefined> {
  const nginx = findNginx();
  if (nginx === undefined) return undefined;
  const conf = join(dir, 'canned-upstream.conf');
  writeFileSync(
    conf,
    `${nginxPreamble(dir, 'canned-upstream')}  server {
    listen 127.0.0.1:${port} backlog=4096;
    default_type application/json;
    location = /v1/chat/completions { return 200 ${nginxQuoted(openAIAnswer)}; }
    location = /v1/messages { return 200 ${nginxQuoted(anthropicAnswer)}; }
    location / { return 200 'ok'; }
  }
}
`,
  );
  startProcess({
    name: 'canned-upstream',
    cpu,
    command: nginx,
    args: ['-c', conf, '-p', dir],
    logFile: join(dir, 'canned-upstream.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`);
  return origin;
}

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

export function directSystem(upstreams: Upstreams): System {
  return {
    id: 'direct',
    label:
      upstreams.json === upstreams.stream
        ? 'direct to the mock'
        : 'direct to the upstream (nginx canned / mock for streams)',
    process: undefined,
    chat: (stream) => ({
      url: `${stream ? upstreams.stream : upstreams.json}/v1/chat/completions`,
      headers: json,
      body: chatBody('gpt-bench', stream),
    }),
    translated: undefined,
  };
}

/**
 * nginx `proxy_pass` with upstream keep-alive and no buffering: the floor of one proxy hop. JSON calls go
 * to the JSON upstream, calls under `/stream/` to the streaming one.
 */
export async function startNginx(
  dir: string,
  cpu: number,
  port: number,
  upstreams: Upstreams,
): Promise<System | undefined> {
  const nginx = findNginx();
  if (nginx === undefined) return undefined;
  const conf = join(dir, 'nginx.conf');
  const hostPort = (origin: string) => new URL(origin).host;
  writeFileSync(
    conf,
    `${nginxPreamble(dir, 'nginx')}  upstream json { server ${hostPort(upstreams.json)}; keepalive 256; }
  upstream stream { server ${hostPort(upstreams.stream)}; keepalive 256; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_buffering off;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location /stream/ { proxy_pass http://stream/; }
    location / { proxy_pass http://json; }
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
    chat: (stream) => ({
      url: `${origin}${stream ? '/stream' : ''}/v1/chat/completions`,
      headers: json,
      body: chatBody('gpt-bench', stream),
    }),
    translated: undefined,
  };
}

/**
 * The floor of a gateway on Node (bench/node-floor-proxy.ts): node:http and an undici Pool, the request
 * parsed once, the bytes passed through, nothing else — run with plain `node`, no flags, no environment,
 * as anyone would write and start it (issue 27).
 */
export async function startNodeFloor(
  dir: string,
  cpu: number,
  port: number,
  upstreams: Upstreams,
  /** For bench:instructions: a command to run under, Node flags, and a longer start-up wait. */
  instrumented:
    | { wrap: readonly string[]; nodeFlags: readonly string[]; startTimeoutMs: number }
    | undefined = undefined,
): Promise<System> {
  const started = startProcess({
    name: 'node-floor',
    cpu,
    command: instrumented?.wrap[0] ?? process.execPath,
    args: [
      ...(instrumented === undefined
        ? []
        : [...instrumented.wrap.slice(1), process.execPath, ...instrumented.nodeFlags]),
      join(root, 'bench', 'node-floor-proxy.ts'),
      '--port',
      String(port),
      '--upstream',
      upstreams.json,
      '--stream-upstream',
      upstreams.stream,
    ],
    logFile: join(dir, 'node-floor.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`, instrumented?.startTimeoutMs);
  return {
    id: 'node-floor',
    label: 'Node floor (plain node: node:http + undici passthrough)',
    process: started,
    chat: (stream) => ({ url: `${origin}/v1/chat/completions`, headers: json, body: chatBody('gpt-bench', stream) }),
    translated: undefined,
  };
}

/** The Portkey gateway from npm (bench/node_modules), routed by its headers to the mock. */
export async function startPortkey(dir: string, cpu: number, port: number, upstreams: Upstreams): Promise<System> {
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
  const headers = (provider: string, upstream = upstreams.json) => ({
    ...json,
    authorization: 'Bearer sk-bench',
    'x-portkey-provider': provider,
    'x-portkey-custom-host': `${upstream}/v1`,
  });
  return {
    id: 'portkey',
    label: 'Portkey gateway 1.15.2',
    process: started,
    chat: (stream) => ({
      url: `${origin}/v1/chat/completions`,
      headers: headers('openai', stream ? upstreams.stream : upstreams.json),
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
 * JSON calls go to `openai` (the JSON upstream), streams to a second OpenAI instance named `stream`
 * (the paced mock): the same code path, another base URL.
 */
export async function startLlmProxy(options: {
  dir: string;
  cpu: number | undefined;
  port: number;
  mode: LlmProxyMode;
  workers?: number;
  redisUrl?: string;
  /** Where JSON calls and streams go (default: the Node mock for both). */
  upstreams?: Upstreams;
  /** Another upstream than the zero-delay ones for everything (the overload run's slow one). */
  upstreamOrigin?: string;
  /**
   * `npm-start`: as `npm start` runs it (glibc settings and V8 flags); `plain`: `node bin/llm-proxy.js
   * serve`, no flags and no environment, to measure what those settings cost and save.
   */
  launch?: 'npm-start' | 'plain';
  /** YAML appended to the generated config (top-level sections only), to compare settings. */
  extraConfig?: string;
  /** More environment (`MALLOC_ARENA_MAX`…), to compare launch settings with `launch: 'plain'`. */
  extraEnv?: Record<string, string>;
  /** A command the gateway runs under (`valgrind --tool=callgrind …`), Node and its arguments appended. */
  wrap?: readonly string[];
  /** Extra Node flags (`--perf-basic-prof`). */
  nodeFlags?: readonly string[];
  /** How long to wait for it to come up (under valgrind it takes a while). */
  startTimeoutMs?: number;
}): Promise<System> {
  const { dir, port, mode } = options;
  const plain = options.launch === 'plain';
  const config = join(dir, `llm-proxy-${mode}-${port}.yaml`);
  const masterKey = 'sk-bench-master-key-0123456789abcdef';
  const upstreams =
    options.upstreamOrigin === undefined
      ? (options.upstreams ?? mockOnly)
      : { json: options.upstreamOrigin, stream: options.upstreamOrigin };
  writeFileSync(
    config,
    `providers:\n  stream: { type: openai, api_key: sk-bench, base_url: "${upstreams.stream}/v1" }\n${
      mode === 'bare'
        ? 'governance:\n  usage_records: false\n'
        : 'pricing:\n  openai/gpt-bench: { input: 1, output: 2 }\n  stream/gpt-bench: { input: 1, output: 2 }\n  anthropic/claude-bench: { input: 1, output: 2 }\n'
    }${options.extraConfig ?? ''}`,
  );
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${upstreams.json}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: upstreams.json,
    DATABASE_URL: `sqlite:${join(dir, `llm-proxy-${mode}-${port}.sqlite`)}`,
    ...(plain ? {} : launchEnv),
    ...options.extraEnv,
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
      ...(plain ? [] : launchNodeFlags),
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
    id: `${workers > 1 ? `${mode}-workers-${workers}` : mode}${plain ? '-plain-node' : ''}${options.upstreamOrigin === undefined ? '' : '-slow-upstream'}`,
    label: `llm-proxy ${mode}${workers > 1 ? `, --workers ${workers}` : ''}${plain ? ', plain `node` (no launch flags)' : ''}${options.upstreamOrigin === undefined ? '' : ', 1 s upstream'}`,
    process: workers > 1 ? undefined : started,
    chat: (stream) => ({
      url: `${origin}/v1/chat/completions`,
      headers,
      body: chatBody(stream ? 'stream/gpt-bench' : 'openai/gpt-bench', stream),
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
