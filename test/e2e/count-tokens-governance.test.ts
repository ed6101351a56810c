import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { awayFromWindowEdge } from '../support/limit-window.ts';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'mk-test-master-key-count-tokens-5e1d';
type Json = Record<string, unknown>;

/**
 * Issue #26 item 3 (count_tokens ignored the key's model list and limits) and #21 bug 3 (it routed by
 * the group's first target while /v1/messages picks by the group's strategy).
 */
describe('count_tokens is governed and routed like /v1/messages', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;

  const createKey = async (fields: Json): Promise<string> => {
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'count-tokens', ...fields },
      { authorization: `Bearer ${masterKey}` },
    );
    assert.equal(created.status, 201, created.text);
    return String(created.json['key']);
  };
  const messageBody = (model: string) => ({ model, messages: [{ role: 'user', content: 'count these words' }] });
  const countTokens = (key: string, model: string) =>
    postJson(`${gateway.url}/v1/messages/count_tokens`, messageBody(model), {
      'x-api-key': key,
      'anthropic-version': '2023-06-01',
    });
  const messages = (key: string, model: string) =>
    postJson(
      `${gateway.url}/v1/messages`,
      { ...messageBody(model), max_tokens: 16 },
      { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    );
  const countedUpstream = () => anthropic.requests.filter((request) => request.path.startsWith('/v1/messages/count'));

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      yaml: [
        'routing:',
        '  retries: 0',
        'models:',
        '  fast: openai/gpt-4o-mini',
        '  turns:',
        '    strategy: round-robin',
        '    targets:',
        '      - { provider: anthropic, model: claude-sonnet-4-6 }',
        '      - { provider: openai, model: gpt-4o }',
        '',
      ].join('\n'),
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });

  it('count_tokens ignores the key model allow-list: a disallowed model gets the same 403 as /v1/messages', async () => {
    const key = await createKey({ models: ['fast'] });
    const before = countedUpstream().length;
    const refusedMessages = await messages(key, 'anthropic/claude-sonnet-4-6');
    const refusedCount = await countTokens(key, 'anthropic/claude-sonnet-4-6');
    assert.equal(refusedMessages.status, 403);
    assert.equal(refusedCount.status, 403, refusedCount.text);
    assert.deepEqual(refusedCount.json.error, refusedMessages.json.error);
    assert.equal(countedUpstream().length, before, 'nothing was sent upstream');
    assert.equal((await countTokens(key, 'fast')).status, 200);
  });

  it('count_tokens ignores rpm_limit: the limit+1th call in a minute is a 429', async () => {
    const key = await createKey({ rpm_limit: 3 });
    await awayFromWindowEdge();
    const answers = [];
    for (let index = 0; index < 4; index++) answers.push(await countTokens(key, 'anthropic/claude-sonnet-4-6'));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 429],
    );
    assert.equal(answers[0]?.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(answers[3]?.json.error?.['type'], 'rate_limit_error');
    // Counting shares the key's minute with /v1/messages.
    assert.equal((await messages(key, 'anthropic/claude-sonnet-4-6')).status, 429);
  });

  it('counting costs no tokens: it is not refused by, nor counted against, TPM or a spent budget', async () => {
    const tpm = await createKey({ tpm_limit: 1 });
    const budget = await createKey({ max_budget_usd: 0.000001 });
    await awayFromWindowEdge();
    for (let index = 0; index < 3; index++) {
      for (const key of [tpm, budget]) {
        const answer = await countTokens(key, 'anthropic/claude-sonnet-4-6');
        assert.equal(answer.status, 200, answer.text);
      }
    }
    assert.equal((await messages(tpm, 'anthropic/claude-sonnet-4-6')).status, 429);
    assert.equal((await messages(budget, 'anthropic/claude-sonnet-4-6')).status, 402);
  });

  it('count_tokens routes by the first target: it picks its target with the group strategy, as /v1/messages does', async () => {
    // Round-robin over [anthropic, openai]: the first call goes to Anthropic (exact count), the second
    // to the OpenAI target (offline estimate); before, the second was sent to the first target's check
    // and failed with unsupported_operation.
    const first = await countTokens(masterKey, 'turns');
    const second = await countTokens(masterKey, 'turns');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-llm-proxy-provider'), 'anthropic');
    assert.equal(first.headers.get('x-llm-proxy-token-count'), null);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.headers.get('x-llm-proxy-provider'), 'openai');
    assert.equal(second.headers.get('x-llm-proxy-model'), 'gpt-4o');
    assert.equal(second.headers.get('x-llm-proxy-token-count'), 'estimate');
    assert.ok(Number(second.json['input_tokens']) > 0);
    // /v1/messages takes its turn from the same rotation: the third pick is Anthropic again.
    const third = await messages(masterKey, 'turns');
    assert.equal(third.headers.get('x-llm-proxy-provider'), 'anthropic');
  });
});
