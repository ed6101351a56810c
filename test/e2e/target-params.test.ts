import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import type { MockUpstreamServer } from '../support/mock-upstream-server.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type Json = Record<string, unknown>;

const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';
// AWS's documentation example credentials (no real account): the mock verifies SigV4 with them.
const aws = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
};

/** Each target's params, in its provider's own format. */
const params: Record<string, Json> = {
  'openai-params': { seed: 7, service_tier: 'flex' },
  'anthropic-params': { top_k: 5, metadata: { user_id: 'target-params' } },
  'gemini-params': { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
  'bedrock-params': { additionalModelRequestFields: { top_k: 5 } },
};

/**
 * Issue #21 bug 2: a target's `params` were merged into the upstream body only by the Anthropic
 * provider and on passthrough; an Anthropic caller of an OpenAI-format target sent no `seed`.
 */
describe('target params are dropped on translated calls', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  const gemini = new MockGeminiUpstream(geminiKey);
  const bedrock = new MockBedrockUpstream(aws);
  const upstreams: Record<string, MockUpstreamServer> = {
    'openai-params': openai,
    'anthropic-params': anthropic,
    'gemini-params': gemini,
    'bedrock-params': bedrock,
  };
  let gateway: TestGateway;

  before(async () => {
    await Promise.all([openai.start(), anthropic.start(), gemini.start(), bedrock.start()]);
    const target = (group: string, provider: string, model: string) =>
      `  ${group}:\n    targets: [{ provider: ${provider}, model: ${model}, params: ${JSON.stringify(params[group])} }]\n`;
    gateway = await startTestGateway({
      yaml: `routing:\n  retries: 0\nmodels:\n${[
        target('openai-params', 'openai', 'gpt-4o'),
        target('anthropic-params', 'anthropic', 'claude-sonnet-4-6'),
        target('gemini-params', 'gemini', 'gemini-2.5-flash'),
        target('bedrock-params', 'bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
      ].join('')}`,
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
        GEMINI_API_KEY: geminiKey,
        GEMINI_BASE_URL: gemini.baseUrl,
        AWS_ACCESS_KEY_ID: aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
        AWS_REGION: aws.region,
        BEDROCK_BASE_URL: bedrock.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close(), gemini.close(), bedrock.close()]);
  });
  beforeEach(() => {
    for (const upstream of Object.values(upstreams)) upstream.reset();
  });

  const callers = {
    openai: (model: string, stream: boolean) =>
      postJson(`${gateway.url}/v1/chat/completions`, {
        model,
        stream,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    anthropic: (model: string, stream: boolean) =>
      postJson(
        `${gateway.url}/v1/messages`,
        { model, stream, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
        { 'anthropic-version': '2023-06-01' },
      ),
  };

  for (const group of Object.keys(params)) {
    for (const surface of ['openai', 'anthropic'] as const) {
      for (const stream of [false, true]) {
        const path =
          (group === 'openai-params' && surface === 'openai') ||
          (group === 'anthropic-params' && surface === 'anthropic')
            ? 'passthrough'
            : 'translated';
        it(`${group}: ${surface} caller, ${path}${stream ? ', streamed' : ''}: the params reach the upstream body`, async () => {
          const answer = await callers[surface](group, stream);
          assert.equal(answer.status, 200, answer.text);
          const sent = upstreams[group]?.lastRequest.body as Json;
          for (const [field, value] of Object.entries(params[group] ?? {})) assert.deepEqual(sent[field], value, field);
        });
      }
    }
  }
});
