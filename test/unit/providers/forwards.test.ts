import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import type { ProviderSettings } from '../../../src/providers/provider-definition.ts';
import { findProviderDefinition } from '../../../src/providers/registry.ts';
import { UpstreamPools } from '../../../src/providers/shared/upstream-pools.ts';
import { defaultUpstreamTimeouts } from '../../../src/providers/shared/upstream-timeouts.ts';

const pools = new UpstreamPools();
after(() => pools.close());

function provider(type: string, overrides: Partial<ProviderSettings> = {}) {
  const definition = findProviderDefinition(type);
  assert.ok(definition !== undefined, type);
  return definition.create(
    {
      name: type,
      type,
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      headers: {},
      timeouts: defaultUpstreamTimeouts,
      anthropicVersion: undefined,
      region: 'us-east-1',
      defaultMaxTokens: 1024,
      ...overrides,
    },
    { pools },
  );
}

describe('Provider.forwards: the one question the gateway asks before a forward', () => {
  it('OpenAI: its own format, and Responses calls; nothing it does not offer', () => {
    const openai = provider('openai');
    assert.equal(openai.forwards('openai-chat', 'chat'), true);
    assert.equal(openai.forwards('openai-chat', 'embeddings'), true);
    assert.equal(openai.forwards('openai-responses', 'responses'), true);
    assert.equal(openai.forwards('anthropic-messages', 'chat'), false);
    assert.equal(openai.forwards('openai-chat', 'count-tokens'), false);
    assert.equal(provider('groq').forwards('openai-responses', 'responses'), false);
  });

  it('Anthropic: Messages and token counting in its own format only', () => {
    const anthropic = provider('anthropic');
    assert.equal(anthropic.forwards('anthropic-messages', 'chat'), true);
    assert.equal(anthropic.forwards('anthropic-messages', 'count-tokens'), true);
    assert.equal(anthropic.forwards('openai-chat', 'chat'), false);
    assert.equal(anthropic.forwards('openai-responses', 'responses'), false);
  });

  it('Gemini: its own format but Responses, and OpenAI embeddings it translates itself', () => {
    const gemini = provider('gemini');
    assert.equal(gemini.forwards('gemini', 'chat'), true);
    assert.equal(gemini.forwards('gemini', 'responses'), false);
    assert.equal(gemini.forwards('openai-chat', 'embeddings'), true);
    assert.equal(gemini.forwards('openai-chat', 'chat'), false);
  });

  it('Bedrock and mock forward nothing; asked anyway, they answer the one typed error', async () => {
    for (const type of ['bedrock', 'mock']) {
      const translated = provider(type);
      assert.equal(translated.forwards('openai-chat', 'chat'), false);
      await assert.rejects(
        translated.forward(
          { operation: 'chat', body: {}, stream: false },
          { signal: AbortSignal.abort(), requestId: 'r', warnings: [], forwardedHeaders: {} },
        ),
        (error) => error instanceof GatewayError && error.code === 'unsupported_operation' && error.status === 400,
      );
    }
  });
});
