import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type JsonObject = Record<string, unknown>;

interface Expected {
  /** Env var of the key; undefined: the preset sends none. */
  keyEnv: string | undefined;
  baseUrlEnv: string;
  limitField: 'max_tokens' | 'max_completion_tokens';
  streamOptions: boolean;
  dropsLogprobs: boolean;
}

/** What each preset must send, from the providers' documented departures from OpenAI. */
const expectations: Record<string, Expected> = {
  groq: {
    keyEnv: 'GROQ_API_KEY',
    baseUrlEnv: 'GROQ_BASE_URL',
    limitField: 'max_completion_tokens',
    streamOptions: true,
    dropsLogprobs: true,
  },
  mistral: {
    keyEnv: 'MISTRAL_API_KEY',
    baseUrlEnv: 'MISTRAL_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: false,
    dropsLogprobs: true,
  },
  xai: {
    keyEnv: 'XAI_API_KEY',
    baseUrlEnv: 'XAI_BASE_URL',
    limitField: 'max_completion_tokens',
    streamOptions: true,
    dropsLogprobs: false,
  },
  openrouter: {
    keyEnv: 'OPENROUTER_API_KEY',
    baseUrlEnv: 'OPENROUTER_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: true,
    dropsLogprobs: false,
  },
  together: {
    keyEnv: 'TOGETHER_API_KEY',
    baseUrlEnv: 'TOGETHER_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: false,
    dropsLogprobs: false,
  },
  fireworks: {
    keyEnv: 'FIREWORKS_API_KEY',
    baseUrlEnv: 'FIREWORKS_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: false,
    dropsLogprobs: false,
  },
  cerebras: {
    keyEnv: 'CEREBRAS_API_KEY',
    baseUrlEnv: 'CEREBRAS_BASE_URL',
    limitField: 'max_completion_tokens',
    streamOptions: false,
    dropsLogprobs: false,
  },
  perplexity: {
    keyEnv: 'PERPLEXITY_API_KEY',
    baseUrlEnv: 'PERPLEXITY_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: false,
    dropsLogprobs: true,
  },
  deepinfra: {
    keyEnv: 'DEEPINFRA_API_KEY',
    baseUrlEnv: 'DEEPINFRA_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: true,
    dropsLogprobs: false,
  },
  ollama: {
    keyEnv: undefined,
    baseUrlEnv: 'OLLAMA_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: true,
    dropsLogprobs: false,
  },
  vllm: {
    keyEnv: undefined,
    baseUrlEnv: 'VLLM_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: true,
    dropsLogprobs: false,
  },
  lmstudio: {
    keyEnv: undefined,
    baseUrlEnv: 'LMSTUDIO_BASE_URL',
    limitField: 'max_tokens',
    streamOptions: false,
    dropsLogprobs: false,
  },
};

describe('OpenAI-compatible presets', () => {
  const upstream = new MockOpenAIUpstream('unchecked', { auth: 'none' });
  let gateway: TestGateway;

  before(async () => {
    await upstream.start();
    const env: Record<string, string> = {};
    for (const [type, expected] of Object.entries(expectations)) {
      env[expected.baseUrlEnv] = upstream.baseUrl;
      if (expected.keyEnv !== undefined) env[expected.keyEnv] = `key-for-${type}`;
    }
    gateway = await startTestGateway({
      env,
      yaml: `routing:\n  retries: 0\nproviders:\n  my-server:\n    type: openai-compatible\n    base_url: ${upstream.baseUrl}\n    api_key: key-for-my-server\n`,
    });
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  for (const [type, expected] of Object.entries(expectations)) {
    it(`${type}: its key, its output-limit field and stream_options, translated and passed through`, async () => {
      // Translated: an Anthropic Messages stream to the preset.
      const translated = await postJson(
        `${gateway.url}/v1/messages`,
        { model: `${type}/some-model`, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] },
        { 'anthropic-version': '2023-06-01' },
      );
      assert.equal(translated.status, 200, translated.text);
      assert.match(translated.text, /event: message_stop/);
      const sent = upstream.lastRequest;
      assert.match(sent.path, /\/chat\/completions$/);
      assert.equal(sent.headers.authorization, expected.keyEnv === undefined ? undefined : `Bearer key-for-${type}`);
      const body = sent.body as JsonObject;
      const otherField = expected.limitField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      assert.equal(body[expected.limitField], 50);
      assert.equal(body[otherField], undefined);
      assert.equal('stream_options' in body, expected.streamOptions);

      // Passed through: the caller's own OpenAI body, adapted where the preset departs from OpenAI.
      const passed = await postJson(`${gateway.url}/v1/chat/completions`, {
        model: `${type}/some-model`,
        stream: true,
        max_completion_tokens: 40,
        logprobs: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(passed.status, 200, passed.text);
      assert.match(passed.text, /data: \[DONE\]/);
      const forwarded = upstream.lastRequest.body as JsonObject;
      assert.equal(forwarded[expected.limitField], 40);
      assert.equal(forwarded[otherField], undefined);
      assert.equal('stream_options' in forwarded, expected.streamOptions);
      assert.equal('logprobs' in forwarded, !expected.dropsLogprobs);
      assert.equal((passed.headers.get('x-llm-proxy-warnings') ?? '').includes('logprobs'), expected.dropsLogprobs);
    });
  }

  it('type openai-compatible: any server at the configured base URL, with the configured key', async () => {
    const answer = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'my-server/local-model',
      max_tokens: 12,
      messages: [{ role: 'user', content: 'hello' }],
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(upstream.lastRequest.headers.authorization, 'Bearer key-for-my-server');
    assert.equal((upstream.lastRequest.body as JsonObject)['model'], 'local-model');
  });

  it('a keyed preset without its key says which variable to set', async () => {
    const bare = await startTestGateway({ env: {} });
    try {
      const answer = await postJson(`${bare.url}/v1/chat/completions`, {
        model: 'groq/llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(answer.status, 404);
      assert.match(answer.text, /GROQ_API_KEY/);
      const generic = await postJson(`${bare.url}/v1/chat/completions`, {
        model: 'openai-compatible/x',
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.match(generic.text, /OPENAI_COMPATIBLE_BASE_URL/);
    } finally {
      await bare.close();
    }
  });
});
