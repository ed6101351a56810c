import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { findLeakedKey, testKeys } from '../support/test-keys.ts';

const masterKey = 'sk-master-request-log-0123456789';
const secretInPrompt = 'sk-live-abcdefghijklmnopqrstu';
const emailInPrompt = 'a.person@example.com';

const openai = new MockOpenAIUpstream(testKeys.openai);
let gateway: TestGateway;
let key: string;

interface LogLine {
  msg?: string;
  route?: string;
  keyId?: string;
  costUsd?: number;
  ttftMs?: number;
  latencyMs?: number;
  attempts?: number;
  stream?: boolean;
  requestBody?: string;
  responseBody?: string;
}

function requestLines(): LogLine[] {
  return gateway.logs
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.msg === 'request' && line.route === '/v1/chat/completions');
}

before(async () => {
  await openai.start();
  gateway = await startTestGateway({
    env: {
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
      LLM_PROXY_MASTER_KEY: masterKey,
      LLM_PROXY_LOG_BODIES: 'true',
    },
  });
  const created = await postJson(
    `${gateway.url}/admin/keys`,
    { name: 'logged' },
    { authorization: `Bearer ${masterKey}` },
  );
  key = String(created.json['key']);
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const prompt = `my secret is ${secretInPrompt}, mail me at ${emailInPrompt}`;
  await client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: prompt }] });
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: prompt }],
  });
  for await (const _chunk of stream) {
    // drained
  }
  // The request line is written when the response has gone; give the last one a moment.
  for (let waited = 0; requestLines().length < 2 && waited < 2000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
});

after(async () => {
  await gateway.close();
  await openai.close();
});

describe('request log lines', () => {
  it('carry the key id, cost, attempts, latency and, for streams, time to first token', () => {
    const [plain, streamed] = requestLines();
    assert.ok(plain !== undefined && streamed !== undefined);
    for (const line of [plain, streamed]) {
      assert.match(line.keyId ?? '', /^key_/);
      assert.ok((line.costUsd ?? 0) > 0);
      assert.equal(line.attempts, 1);
      assert.equal(typeof line.latencyMs, 'number');
    }
    assert.equal(streamed.stream, true);
    assert.equal(typeof streamed.ttftMs, 'number');
  });

  it('with body logging on, carry both bodies, streams included, redacted', () => {
    const [plain, streamed] = requestLines();
    for (const line of [plain, streamed]) assert.ok(line?.requestBody?.includes('[redacted]'));
    assert.ok(plain?.responseBody?.includes('"content":"You said: my secret is [redacted]'), 'the answer as sent');
    // The mock streams five characters a chunk: the stream is logged as its events, as sent.
    assert.ok(streamed?.responseBody?.startsWith('data: {'), 'the stream as sent');
    assert.ok(streamed?.responseBody?.includes('"content":"You s"'));
  });

  it('never contain a key, a redacted secret or address', () => {
    const all = gateway.logs.join('\n');
    assert.equal(findLeakedKey(all), undefined);
    assert.equal(all.includes(masterKey), false);
    assert.equal(all.includes(key), false);
    assert.equal(all.includes(secretInPrompt), false);
    assert.equal(all.includes(emailInPrompt), false);
  });
});

describe('body logging leaked the master key', () => {
  it('redacts the configured master key, metrics token and provider key by value, whatever their shape', async () => {
    // None of these has a shape the patterns know (`sk-…`, `AKIA…`): only their values can catch them.
    const secrets = {
      LLM_PROXY_MASTER_KEY: 'master-plain-0123456789abcdef',
      LLM_PROXY_METRICS_TOKEN: 'metrics-plain-0123456789',
      OPENAI_API_KEY: testKeys.openai,
    };
    const upstream = new MockOpenAIUpstream(testKeys.openai);
    await upstream.start();
    const logged = await startTestGateway({
      env: { ...secrets, OPENAI_BASE_URL: upstream.baseUrl, LLM_PROXY_LOG_BODIES: 'true' },
    });
    try {
      const prompt = `keys: ${Object.values(secrets).join(' ')}`;
      const response = await postJson(
        `${logged.url}/v1/chat/completions`,
        { model: 'openai/gpt-4o', messages: [{ role: 'user', content: prompt }] },
        { authorization: `Bearer ${secrets.LLM_PROXY_MASTER_KEY}` },
      );
      assert.equal(response.status, 200, response.text);
      for (let waited = 0; !logged.logs.some((line) => line.includes('requestBody')) && waited < 2000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const all = logged.logs.join('\n');
      assert.ok(all.includes('keys: [redacted] [redacted] [redacted]'), 'the request body is logged, redacted');
      for (const [name, value] of Object.entries(secrets)) assert.equal(all.includes(value), false, `${name} leaked`);
    } finally {
      await logged.close();
      await upstream.close();
    }
  });
});
