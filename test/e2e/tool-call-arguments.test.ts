import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import type { MockUpstreamServer } from '../support/mock-upstream-server.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';
// AWS's documentation example credentials (no real account): the mock verifies SigV4 with them.
const aws = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
};

/**
 * Issue #21 bug 4: tool-call arguments that are not a JSON object were a 400 towards Anthropic but
 * were silently sent as `{}` to Gemini and Bedrock. One rule now: a 400 naming the tool call.
 */
describe('invalid tool-call arguments are sent as {} to Gemini and Bedrock', () => {
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  const gemini = new MockGeminiUpstream(geminiKey);
  const bedrock = new MockBedrockUpstream(aws);
  let gateway: TestGateway;

  before(async () => {
    await Promise.all([anthropic.start(), gemini.start(), bedrock.start()]);
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: {
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
    await Promise.all([anthropic.close(), gemini.close(), bedrock.close()]);
  });

  const targets: Array<[string, MockUpstreamServer]> = [
    ['anthropic/claude-sonnet-4-6', anthropic],
    ['gemini/gemini-2.5-flash', gemini],
    ['bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0', bedrock],
  ];
  for (const [model, upstream] of targets) {
    for (const [label, text] of [
      ['not JSON', '{"city": "Par'],
      ['a JSON array', '["Paris"]'],
    ] as const) {
      it(`${model}: arguments that are ${label} are a 400 naming the tool call, in the caller's shape`, async () => {
        const sentBefore = upstream.requests.length;
        const answer = await postJson(`${gateway.url}/v1/chat/completions`, {
          model,
          messages: [
            { role: 'user', content: 'weather in Paris?' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_ok', type: 'function', function: { name: 'get_time', arguments: '{}' } },
                { id: 'call_bad', type: 'function', function: { name: 'get_weather', arguments: text } },
              ],
            },
            { role: 'tool', tool_call_id: 'call_ok', content: 'noon' },
            { role: 'tool', tool_call_id: 'call_bad', content: 'sunny' },
          ],
        });
        assert.equal(answer.status, 400, answer.text);
        const error = answer.json.error ?? {};
        assert.equal(error['type'], 'invalid_request_error');
        assert.equal(error['code'], 'invalid_request');
        assert.equal(error['param'], 'messages[1].tool_calls[1]');
        assert.match(String(error['message']), /call_bad/);
        assert.match(String(error['message']), /get_weather/);
        assert.equal(upstream.requests.length, sentBefore, 'nothing was sent upstream');
      });
    }
  }
});
