import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parse as parseYaml } from 'yaml';
import { awayFromWindowEdge } from '../support/limit-window.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  healthcheck?: unknown;
}

/** The gateway services of docker-compose.yml (those built from this repository). */
function composeGateways(): Array<[string, ComposeService]> {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  return Object.entries(compose.services).filter(([, service]) => service.build === '.');
}

/** The `server host:port` lines of deploy/nginx.conf's upstream. */
function nginxUpstreams(conf: string): string[] {
  return [...conf.matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((match) => match[1] ?? '');
}

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string): Promise<Response> {
  for (let waited = 0; waited < 20_000; waited += 100) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}

describe('deployment files', () => {
  it('the Dockerfile is multi-stage on Node 24 slim, installs production dependencies only and runs as non-root', () => {
    const dockerfile = read('Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]);
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const image of stages) assert.match(image ?? '', /^node:24(\.\d+)*-slim$/);
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /HOST=0\.0\.0\.0/);
    assert.match(dockerfile, /"bin\/llm-proxy\.js"/);
    assert.match(dockerfile, /^HEALTHCHECK/m);
    // What the image copies must be all the gateway reads at run time: bin/, src/ and package.json.
    assert.match(dockerfile, /^COPY bin \.\/bin$/m);
    assert.match(dockerfile, /^COPY src \.\/src$/m);
    assert.match(dockerfile, /^COPY package\.json \.\/$/m);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.git', 'data', '.env']) assert.ok(ignored.includes(entry), entry);
  });

  it('docker-compose.yml runs two gateway replicas sharing Postgres and Redis behind the load balancer', () => {
    const gateways = composeGateways();
    assert.equal(gateways.length, 2);
    for (const [, service] of gateways) {
      const env = service.environment ?? {};
      assert.match(env['DATABASE_URL'] ?? '', /^postgres:\/\/.*@postgres:5432\//);
      assert.equal(env['REDIS_URL'], 'redis://redis:6379');
      assert.ok(env['LLM_PROXY_MASTER_KEY'], 'replicas are governed');
      assert.ok(
        service.healthcheck !== undefined && String(JSON.stringify(service.healthcheck)).includes('/health/ready'),
      );
    }
    const upstreams = nginxUpstreams(read('deploy/nginx.conf'));
    assert.deepEqual(
      upstreams,
      gateways.map(([name]) => `${name}:4000`),
      'the load balancer sends to every replica',
    );
  });

  it('the production install (npm ci --omit=dev, what the image holds) starts and is ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-proxy-image-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(dir, file));
      for (const folder of ['bin', 'src']) cpSync(join(root, folder), join(dir, folder), { recursive: true });
      execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: dir,
        stdio: 'ignore',
      });
      assert.equal(existsSync(join(dir, 'node_modules', 'typescript')), false, 'no dev dependencies');
      const port = await freePort();
      mkdirSync(join(dir, 'data'));
      const child = spawn(process.execPath, ['--max-semi-space-size=4', '--no-maglev', 'bin/llm-proxy.js', 'serve'], {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '',
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATABASE_URL: `sqlite:${join(dir, 'data', 'llm-proxy.sqlite')}`,
          LLM_PROXY_MASTER_KEY: 'sk-image-master-key-0123456789abcdef',
          TMPDIR: dir,
        },
        stdio: 'ignore',
      });
      try {
        const ready = await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
        assert.equal(ready.status, 200);
        assert.equal(((await ready.json()) as { status: string }).status, 'ready');
        // The launcher keeps Node's compile cache (in the temporary directory), written once the server
        // listens: the next start loads the sources without the TypeScript stripper.
        const cached = readdirSync(join(dir, 'node-compile-cache'), { recursive: true });
        assert.ok(cached.length > 1, 'compile cache written');
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scaling out: deploy/nginx.conf in front of two replicas on shared Postgres and Redis', {
  skip: nginx === undefined ? 'nginx is not installed' : false,
}, () => {
  const masterKey = 'sk-scale-out-master-key-0123456789';
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  const replicas: TestGateway[] = [];
  let database: Awaited<ReturnType<typeof createPostgresSchema>>;
  let balancer: ChildProcess | undefined;
  let origin = '';
  let dir = '';

  before(async () => {
    await upstream.start();
    database = await createPostgresSchema();
    const env = {
      LLM_PROXY_MASTER_KEY: masterKey,
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: upstream.baseUrl,
    };
    replicas.push(await startTestGateway({ env }), await startTestGateway({ env }));
    // The shipped conf, with the compose service names pointed at the two local replicas.
    dir = mkdtempSync(join(tmpdir(), 'llm-proxy-nginx-'));
    const port = await freePort();
    let site = read('deploy/nginx.conf').replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
    composeGateways().forEach(([name], index) => {
      site = site.replace(`${name}:4000`, new URL(replicas[index]?.url ?? '').host);
    });
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`,
    );
    balancer = spawn(nginx ?? 'nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
    origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/health/live`);
  });

  after(async () => {
    if (balancer !== undefined) {
      balancer.kill('SIGTERM');
      await once(balancer, 'exit');
    }
    await Promise.all(replicas.map((replica) => replica.close()));
    await database.drop();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key made through the balancer works on every replica, streams pass through, and its rpm holds across both', async () => {
    const created = await fetch(`${origin}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'scale-out', rpm_limit: 6 }),
    });
    assert.equal(created.status, 201);
    const { key } = (await created.json()) as { key: string };
    const client = new OpenAI({ apiKey: key, baseURL: `${origin}/v1`, maxRetries: 0 });
    // The stream and the seven calls below must fall in one rate-limit minute.
    await awayFromWindowEdge();

    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'through the balancer' }],
    });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk.choices[0]?.delta.content ?? '');
    assert.equal(chunks.join(''), 'You said: through the balancer');
    assert.ok(chunks.length > 3, 'the stream arrived in several chunks');

    const statuses: number[] = [];
    for (let index = 0; index < 7; index++) {
      const answer = await client.chat.completions
        .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: `call ${index}` }] })
        .then(
          () => 200,
          (error: unknown) => (error instanceof OpenAI.APIError ? (error.status ?? 0) : 0),
        );
      statuses.push(answer);
    }
    // Six requests per minute in all (the stream was the first), whichever replica took each.
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);

    const served = await Promise.all(
      replicas.map(async (replica) => {
        const text = await (await fetch(`${replica.url}/metrics`)).text();
        return sampleSum(parsePrometheusText(text), 'llm_proxy_requests_total', { route: '/v1/chat/completions' });
      }),
    );
    assert.equal(
      served.reduce((sum, count) => sum + count, 0),
      8,
    );
    assert.ok(
      served.every((count) => count > 0),
      `both replicas served requests (${served.join(', ')})`,
    );
  });
});
