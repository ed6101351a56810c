import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type Json = Record<string, unknown>;

const masterKey = 'mk-test-master-key-prices-5a7c9e1b';
const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';
const groqKey = 'gsk-test-groq-0a1b2c3d4e5f6a7b';
// AWS's own documentation example credentials (not a real account): the mock verifies SigV4 with them.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
};

describe('list prices from @pydantic/genai-prices', () => {
  const gemini = new MockGeminiUpstream(geminiKey);
  const bedrock = new MockBedrockUpstream(credentials);
  const groq = new MockOpenAIUpstream(groqKey);
  const deepseek = new MockOpenAIUpstream(testKeys.deepseek);
  const local = new MockOpenAIUpstream('none', { auth: 'none' });
  let gateway: TestGateway;

  const admin = async (path: string, body: Json) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201);
    return String(((await response.json()) as Json)['key']);
  };
  const chat = (key: string, model: string) =>
    postJson(
      `${gateway.url}/v1/chat/completions`,
      { model, messages: [{ role: 'user', content: 'What does this cost?' }] },
      { authorization: `Bearer ${key}` },
    );
  /** The package's own figure for the usage the caller was told about. */
  const listCost = (usage: Json, model: string, providerId: string) => {
    const price = calcPrice(
      { input_tokens: Number(usage['prompt_tokens']), output_tokens: Number(usage['completion_tokens']) },
      model,
      { providerId },
    );
    assert.ok(price !== null, `${providerId}/${model} has a list price`);
    assert.ok(price.total_price > 0);
    return price.total_price.toFixed(8);
  };

  let unbudgeted: string;
  let budgeted: string;

  before(async () => {
    await Promise.all([gemini.start(), bedrock.start(), groq.start(), deepseek.start(), local.start()]);
    gateway = await startTestGateway({
      yaml: [
        'routing:\n  retries: 0',
        'providers:',
        `  local:\n    type: openai-compatible\n    base_url: ${local.baseUrl}`,
        'pricing:',
        '  deepseek/deepseek-reasoner: { input: 7, output: 70 }',
      ].join('\n'),
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        GEMINI_API_KEY: geminiKey,
        GEMINI_BASE_URL: gemini.baseUrl,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: credentials.region,
        BEDROCK_BASE_URL: bedrock.baseUrl,
        GROQ_API_KEY: groqKey,
        GROQ_BASE_URL: groq.baseUrl,
        DEEPSEEK_API_KEY: testKeys.deepseek,
        DEEPSEEK_BASE_URL: deepseek.baseUrl,
      },
    });
    unbudgeted = await admin('/admin/keys', { name: 'open' });
    budgeted = await admin('/admin/keys', { name: 'budgeted', max_budget_usd: 10 });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([gemini.close(), bedrock.close(), groq.close(), deepseek.close(), local.close()]);
  });

  for (const [model, upstreamModel, providerId] of [
    ['gemini/gemini-2.5-flash', 'gemini-2.5-flash', 'google'],
    ['bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'aws'],
    ['groq/llama-3.3-70b-versatile', 'llama-3.3-70b-versatile', 'groq'],
    ['deepseek/deepseek-chat', 'deepseek-chat', 'deepseek'],
  ] as const) {
    it(`prices a ${providerId} call at its list price (${upstreamModel})`, async () => {
      const answer = await chat(budgeted, model);
      assert.equal(answer.status, 200, answer.text);
      const usage = answer.json['usage'] as Json;
      assert.equal(answer.headers.get('x-llm-proxy-cost-usd'), listCost(usage, upstreamModel, providerId));
    });
  }

  it('a pricing: entry in the config wins over the list price', async () => {
    const answer = await chat(budgeted, 'deepseek/deepseek-reasoner');
    assert.equal(answer.status, 200, answer.text);
    const usage = answer.json['usage'] as Json;
    const expected = (Number(usage['prompt_tokens']) * 7 + Number(usage['completion_tokens']) * 70) / 1_000_000;
    assert.equal(answer.headers.get('x-llm-proxy-cost-usd'), expected.toFixed(8));
  });

  it('refuses a budgeted key an unpriced model, naming the pricing: entry; serves an unbudgeted one with a warning', async () => {
    const refused = await chat(budgeted, 'local/my-finetune');
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.error?.['code'], 'model_unpriced');
    assert.match(String(refused.json.error?.['message']), /'local\/my-finetune'.*pricing: \{ "local\/my-finetune"/);
    assert.equal(local.requests.length, 0, 'the upstream is never called');

    const served = await chat(unbudgeted, 'local/my-finetune');
    assert.equal(served.status, 200, served.text);
    await chat(unbudgeted, 'local/my-finetune');
    const warnings = gateway.logs.filter((line) => line.includes('no price for local/my-finetune'));
    assert.equal(warnings.length, 1, 'warned once per model');
    assert.equal(JSON.parse(warnings[0] ?? '{}').level, 40);
  });
});
