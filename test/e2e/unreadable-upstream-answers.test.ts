import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { anthropicMessageStart, anthropicTextBlock, openAIContentChunk } from '../support/raw-sse-events.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

/**
 * #26 item 5: a 200 from an upstream that is not JSON, or a stream event whose data is garbage, is
 * never relayed as a success on the passthrough path: a 502 in the caller's shape before the answer
 * has begun, an error event in the caller's format after.
 */
describe('an unreadable upstream answer is an error, never a success', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;
  let openAIClient: OpenAI;
  let anthropicClient: Anthropic;

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
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
  });

  const ask = () =>
    openAIClient.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] });
  const askStream = () =>
    openAIClient.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
  const isBadGateway = (error: unknown) => error instanceof OpenAI.APIError && error.status === 502;

  it('OpenAI passthrough: a 200 that is not JSON is a 502, as on the translated path', async () => {
    openai.enqueue({ status: 200, body: '<html><body>upstream proxy says hello</body></html>' });
    await assert.rejects(ask(), isBadGateway);
    openai.enqueue({ status: 200, body: '{"id":"chatcmpl-cut","object":"chat.comp' });
    await assert.rejects(ask(), isBadGateway);
  });

  it('OpenAI passthrough stream: garbage as the first event is a 502; after content, an error event', async () => {
    openai.enqueue({ sse: ['data: this is not json\n\n'] });
    await assert.rejects(askStream(), isBadGateway);
    openai.enqueue({ sse: [openAIContentChunk('Hello'), 'data: {garbage\n\n', openAIContentChunk(' world')] });
    const stream = await askStream();
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }, /could not read/);
    assert.equal(text, 'Hello', 'nothing after the garbage reaches the caller');
  });

  it('Anthropic passthrough: a 200 that is not JSON is a 502', async () => {
    anthropic.enqueue({ status: 200, body: 'OK' });
    await assert.rejects(
      anthropicClient.messages.create({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => error instanceof Anthropic.APIError && error.status === 502,
    );
  });

  it('Anthropic passthrough stream: garbage after content ends the stream with an error event', async () => {
    anthropic.enqueue({
      sse: [anthropicMessageStart(5), anthropicTextBlock('Hello'), 'event: content_block_delta\ndata: <<<\n\n'],
    });
    const stream = anthropicClient.messages.stream({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'x' }],
    });
    await assert.rejects(stream.finalText(), /could not read/);
  });
});
