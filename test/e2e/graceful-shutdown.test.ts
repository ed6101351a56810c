import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { testKeys } from '../support/test-keys.ts';
import { waitForPort } from '../support/wait-for-port.ts';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'llm-proxy.js');

describe('graceful shutdown', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  before(() => upstream.start());
  after(() => upstream.close());

  it('SIGTERM stops accepting, drains an in-flight stream to its end, and exits 0', async () => {
    const chunk = (text: string) =>
      `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;
    const words = Array.from({ length: 12 }, (_, index) => `w${index} `);
    upstream.enqueue({
      sse: [
        ...words.map(chunk),
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
        'data: [DONE]\n\n',
      ],
      gapMs: 60,
    });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [cli, 'serve', '--port', String(port)], {
      env: {
        PATH: process.env['PATH'] ?? '',
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: upstream.baseUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      await waitForPort(`http://127.0.0.1:${port}`);
      const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      const reader = response.body?.getReader();
      assert.ok(reader !== undefined);
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'no new connection is accepted while draining');
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      for (const word of words) assert.ok(text.includes(word), `the stream lost ${word}`);
      assert.match(text, /data: \[DONE\]\n\n$/);
      const [code] = await exited;
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
