import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type Json = Record<string, unknown>;

// AWS's own documentation example credentials (not a real account): the mock verifies SigV4 with them.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
};
const longPrompt = 'You are a careful assistant. '.repeat(50);
/** Anthropic's usage: `input_tokens` is the uncached rest; reads and writes are counted apart. */
const cachedUsage = {
  input_tokens: 100,
  output_tokens: 50,
  cache_read_input_tokens: 2000,
  cache_creation_input_tokens: 1000,
};

/** What Anthropic bills for that usage on Claude Sonnet 4.6, from the price package's own figures. */
function anthropicBill(): string {
  const price = calcPrice(
    { input_tokens: 3100, cache_read_tokens: 2000, cache_write_tokens: 1000, output_tokens: 50 },
    'claude-sonnet-4-6',
    { providerId: 'anthropic' },
  );
  assert.ok(price !== null);
  // 100 × $3 + 2000 × $0.30 + 1000 × $3.75 + 50 × $15, per million.
  assert.equal(price.total_price.toFixed(8), ((100 * 3 + 2000 * 0.3 + 1000 * 3.75 + 50 * 15) / 1e6).toFixed(8));
  return price.total_price.toFixed(8);
}

describe('prompt caching carried and billed right', () => {
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  const bedrock = new MockBedrockUpstream(credentials);
  let gateway: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    await Promise.all([anthropicUpstream.start(), bedrock.start()]);
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: {
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: credentials.region,
        BEDROCK_BASE_URL: bedrock.baseUrl,
      },
    });
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-caller', maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([anthropicUpstream.close(), bedrock.close()]);
  });
  beforeEach(() => {
    anthropicUpstream.turns.length = 0;
  });

  it('an Anthropic call with cache reads and writes is priced as Anthropic bills it', async () => {
    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: 'Cached.' }], usage: cachedUsage });
    const { data: message, response } = await anthropic.messages
      .create({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 64,
        system: [{ type: 'text', text: longPrompt, cache_control: { type: 'ephemeral', ttl: '5m' } }],
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    assert.equal(response.headers.get('x-llm-proxy-cost-usd'), anthropicBill());
    assert.equal(message.usage.cache_read_input_tokens, 2000);
    assert.equal(message.usage.cache_creation_input_tokens, 1000);
    assert.equal(message.usage.input_tokens, 100);
    const sent = anthropicUpstream.lastRequest.body as Json;
    assert.deepEqual((sent['system'] as Json[])[0]?.['cache_control'], { type: 'ephemeral', ttl: '5m' });
  });

  it('one-hour cache writes are billed at their own rate (2× input), five-minute ones at 1.25×', async () => {
    anthropicUpstream.queueTurn({
      content: [{ type: 'text', text: 'Cached.' }],
      usage: { ...cachedUsage, cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 600 } },
    });
    const { response } = await anthropic.messages
      .create({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 64,
        system: [{ type: 'text', text: longPrompt, cache_control: { type: 'ephemeral', ttl: '1h' } }],
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    const expected = (100 * 3 + 2000 * 0.3 + 400 * 3.75 + 600 * 6 + 50 * 15) / 1e6;
    assert.equal(response.headers.get('x-llm-proxy-cost-usd'), expected.toFixed(8));
  });

  it('an OpenAI client: cache_control on content parts reaches Anthropic; billed the same; cached_tokens reported', async () => {
    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: 'Cached.' }], usage: cachedUsage });
    const systemPart = { type: 'text', text: longPrompt, cache_control: { type: 'ephemeral' } };
    const userPart = { type: 'text', text: 'hi', cache_control: { type: 'ephemeral', ttl: '5m' } };
    const { data: completion, response } = await openai.chat.completions
      .create({
        model: 'anthropic/claude-sonnet-4-6',
        messages: [
          { role: 'system', content: [systemPart as OpenAI.Chat.ChatCompletionContentPartText] },
          { role: 'user', content: [userPart as OpenAI.Chat.ChatCompletionContentPartText] },
        ],
      })
      .withResponse();
    const sent = anthropicUpstream.lastRequest.body as Json;
    assert.deepEqual((sent['system'] as Json[])[0]?.['cache_control'], { type: 'ephemeral' });
    const userContent = (sent['messages'] as { content: Json[] }[])[0]?.content;
    assert.deepEqual(userContent?.[0]?.['cache_control'], { type: 'ephemeral', ttl: '5m' });
    assert.equal(response.headers.get('x-llm-proxy-cost-usd'), anthropicBill());
    assert.equal(completion.usage?.prompt_tokens, 3100, 'OpenAI counts cached tokens in prompt_tokens');
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 2000);
  });

  it('a ttl Anthropic does not take is removed, with a warning header', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'anthropic/claude-sonnet-4-6',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral', ttl: '10m' } }] },
        ],
      }),
    });
    assert.equal(response.status, 200, await response.text());
    assert.match(response.headers.get('x-llm-proxy-warnings') ?? '', /cache_control\.ttl/);
    const sent = anthropicUpstream.lastRequest.body as { messages: { content: Json[] }[] };
    assert.deepEqual(sent.messages[0]?.content[0]?.['cache_control'], { type: 'ephemeral' });
  });

  it('a Responses client sees input_tokens_details.cached_tokens', async () => {
    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: 'Cached.' }], usage: cachedUsage });
    const response = await openai.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'hi', store: false });
    assert.equal(response.usage?.input_tokens, 3100);
    assert.equal(response.usage?.input_tokens_details.cached_tokens, 2000);
  });

  it('cache_control reaches Bedrock as cachePoint blocks; a ttl Converse does not take is removed, with a warning', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0',
        messages: [
          {
            role: 'system',
            content: [{ type: 'text', text: longPrompt, cache_control: { type: 'ephemeral', ttl: '1h' } }],
          },
          { role: 'user', content: 'hi' },
        ],
      }),
    });
    assert.equal(response.status, 200, await response.text());
    assert.match(response.headers.get('x-llm-proxy-warnings') ?? '', /cache_control\.ttl/);
    const sent = bedrock.lastRequest.body as Json;
    assert.deepEqual(sent['system'], [{ text: longPrompt }, { cachePoint: { type: 'default' } }]);
  });
});
