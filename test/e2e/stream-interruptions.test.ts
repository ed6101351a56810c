import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import {
  anthropicMessageStart,
  anthropicTextBlock,
  openAIContentChunk,
  openAIRoleChunk,
} from '../support/raw-sse-events.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const config = `
routing:
  backoff_initial_ms: 10
  backoff_max_ms: 20
  cooldown_failures: 1000
models:
  gpt-retrying:
    targets: [{ provider: openai, model: gpt-4o }]
    retries: 2
  claude-retrying:
    targets: [{ provider: anthropic, model: claude-sonnet-4-6 }]
    retries: 2
`;

const messageStart = anthropicMessageStart(31);

/** #26 item 12: streams that break off after their upstream's 200 body began. */
describe('a stream interrupted after its upstream began answering', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;
  let openAIClient: OpenAI;
  let anthropicClient: Anthropic;

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      yaml: config,
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
      },
    });
    openAIClient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'caller', maxRetries: 0 });
    anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: 'caller', maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
    gateway.gateway.health.reset();
  });

  const streamChat = (model: string) =>
    openAIClient.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'x' }] });
  const interrupted = (error: unknown) =>
    error instanceof OpenAI.APIError && error.status === 502 && /stream was interrupted/.test(error.message);
  /** The request log line of the last call to `route` (pino writes lines in blocks: wait for it). */
  const lastLine = async (route: string) => {
    await sleep(400);
    const lines = gateway.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'request' && line['route'] === route);
    return lines.at(-1) ?? {};
  };

  it('is not retried once the 200 body has begun (OpenAI passthrough: a role chunk, then a reset)', async () => {
    openai.enqueue({ sse: [openAIRoleChunk], reset: true });
    await assert.rejects(streamChat('gpt-retrying'), interrupted);
    assert.equal(openai.requests.length, 1, 'the upstream took the call: another attempt could bill it twice');
  });

  it('is not retried once the 200 body has begun (Anthropic passthrough: message_start, then a reset)', async () => {
    anthropic.enqueue({ sse: [messageStart], reset: true });
    await assert.rejects(
      anthropicClient.messages.create({
        model: 'claude-retrying',
        max_tokens: 16,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => error instanceof Anthropic.APIError && error.status === 502,
    );
    assert.equal(anthropic.requests.length, 1);
  });

  it('is not retried once the 200 body has begun (translated: message_start, then a reset)', async () => {
    anthropic.enqueue({ sse: [messageStart], reset: true });
    await assert.rejects(streamChat('claude-retrying'), interrupted);
    assert.equal(anthropic.requests.length, 1);
  });

  it('is still retried when the upstream broke before its 200 body produced any event', async () => {
    openai.enqueue({ sse: [': comment only\n\n'], reset: true }, { sse: [': comment only\n\n'], reset: true });
    let text = '';
    for await (const chunk of await streamChat('gpt-retrying')) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'You said: x');
    assert.equal(openai.requests.length, 3);
  });

  it('records the output streamed before the break, estimated at four characters a token (OpenAI passthrough)', async () => {
    const words = 'Sixteen chars ok'.repeat(5);
    openai.enqueue({ sse: [openAIRoleChunk, openAIContentChunk(words)], reset: true });
    const stream = await streamChat('gpt-retrying');
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // drain
      }
    }, /stream was interrupted/);
    const line = await lastLine('/v1/chat/completions');
    assert.equal(line['errorCode'], 'upstream_stream_interrupted');
    assert.equal(line['outputTokens'], Math.ceil(words.length / 4));
    assert.ok(Number(line['inputTokens']) > 0, 'the input is estimated from the request body');
  });

  it('records the upstream’s input count and the streamed output (Anthropic passthrough)', async () => {
    const words = 'abcdefgh'.repeat(10);
    anthropic.enqueue({ sse: [messageStart, anthropicTextBlock(words)], reset: true });
    const stream = anthropicClient.messages.stream({
      model: 'claude-retrying',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'x' }],
    });
    await assert.rejects(stream.finalText());
    const line = await lastLine('/v1/messages');
    assert.equal(line['errorCode'], 'upstream_stream_interrupted');
    assert.equal(line['inputTokens'], 31);
    assert.equal(line['outputTokens'], words.length / 4);
  });

  it('records the streamed output on the translated path too', async () => {
    const words = 'abcdefgh'.repeat(6);
    anthropic.enqueue({ sse: [messageStart, anthropicTextBlock(words)], reset: true });
    const stream = await streamChat('claude-retrying');
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // drain
      }
    });
    const line = await lastLine('/v1/chat/completions');
    assert.equal(line['errorCode'], 'upstream_stream_interrupted');
    assert.equal(line['inputTokens'], 31);
    assert.equal(line['outputTokens'], words.length / 4);
  });
});
