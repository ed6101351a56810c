import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { testKeys } from '../support/test-keys.ts';
import { waitForPort } from '../support/wait-for-port.ts';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'llm-proxy.js');
const masterKey = 'sk-test-master-key-0123456789abcdef';

/**
 * Printed by the gateway process as it exits: whether Node's own copy of undici (behind the global
 * fetch and WebSocket, `internal/deps/undici`) was ever loaded. An ES import of `node:http` loads it.
 */
const probe = `data:text/javascript,process.on('exit', () => process._rawDebug('bundled-undici=' + process.moduleLoadList.some((name) => name.includes('internal/deps/undici'))))`;

describe("Node's bundled undici", () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  before(() => upstream.start());
  after(() => upstream.close());

  it('is never loaded by a governed gateway serving JSON, streams and its admin and docs routes', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['--import', probe, cli, 'serve', '--port', String(port)], {
      env: {
        PATH: process.env['PATH'] ?? '',
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: upstream.baseUrl,
        LLM_PROXY_MASTER_KEY: masterKey,
        DATABASE_URL: 'sqlite::memory:',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = once(child, 'exit');
    try {
      const origin = `http://127.0.0.1:${port}`;
      await waitForPort(origin);
      const created = await fetch(`${origin}/admin/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
        body: JSON.stringify({ name: 'probe', rpm_limit: 100 }),
      });
      const { key } = (await created.json()) as { key: string };
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
      for (const stream of [false, true]) {
        const answer = await fetch(`${origin}/v1/chat/completions`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: 'openai/gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] }),
        });
        assert.equal(answer.status, 200);
        await answer.text();
      }
      const translated = await fetch(`${origin}/v1/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'openai/gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(translated.status, 200);
      await translated.text();
      for (const path of ['/metrics', '/docs/json', '/health/ready']) await (await fetch(`${origin}${path}`)).text();
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      assert.match(stderr, /bundled-undici=false/, `the exit report: ${stderr}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
