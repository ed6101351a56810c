import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AnthropicV0 from 'anthropic-sdk-0';
import { readJsonFixture, sseEvents } from '../support/golden.ts';
import { MockOpenAIUpstream, type OpenAITurn } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

/** A conversation as Claude Code sends it (see shared/specs/WIRE-FORMATS.md §8), replayed to an OpenAI-format model. */
const recorded = readJsonFixture<{ headers: Record<string, string>; body: JsonObject }>(
  'anthropic/claude-code-conversation.json',
);

const nextTurn: OpenAITurn = {
  reasoningContent: 'The edit is in; rerun the tests.',
  content: 'Fixed. Running the tests again.',
  toolCalls: [{ id: 'call_rerun01', name: 'Bash', arguments: '{"command":"npm test","description":"Run tests"}' }],
  usage: { prompt_tokens: 5200, completion_tokens: 42, cached_tokens: 4096 },
};

describe('a Claude Code conversation through the gateway to an OpenAI-format model', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let gateway: TestGateway;

  before(async () => {
    await upstream.start();
    gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl },
      yaml: 'models:\n  claude-code-on-gpt-4o:\n    provider: openai\n    model: gpt-4o\n    max_output_tokens: 16384\n',
    });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('streams an event sequence the Anthropic SDK accepts, with the right stop_reason and usage', async () => {
    upstream.queueTurn(nextTurn);
    const client = new AnthropicV0({ baseURL: gateway.url, apiKey: recorded.headers['x-api-key'], maxRetries: 0 });
    const stream = client.messages.stream(recorded.body as unknown as AnthropicV0.MessageCreateParamsStreaming, {
      headers: {
        'anthropic-beta': recorded.headers['anthropic-beta'],
        'x-claude-code-session-id': recorded.headers['x-claude-code-session-id'],
      },
    });
    const final = await stream.finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    assert.deepEqual(
      final.content.map((block) => block.type),
      ['thinking', 'text', 'tool_use'],
    );
    const toolUse = final.content[2];
    assert.ok(toolUse?.type === 'tool_use');
    assert.equal(toolUse.name, 'Bash');
    assert.deepEqual(toolUse.input, { command: 'npm test', description: 'Run tests' });
    assert.equal(final.usage.output_tokens, 42);
    assert.equal(final.usage.input_tokens, 5200 - 4096);
    assert.equal(final.usage.cache_read_input_tokens, 4096);
    // The strict OpenAI mock accepted the translated request (roles, tool pairing), and it carries the conversation.
    const sent = upstream.lastRequest.body as JsonObject;
    assert.equal(sent['model'], 'gpt-5.4');
    assert.equal((sent['messages'] as JsonObject[]).length, 9);
    assert.equal(JSON.stringify(sent).includes('cache_control'), false);
    assert.equal(upstream.lastRequest.headers['x-api-key'], undefined);
    assert.equal(upstream.lastRequest.headers.authorization, `Bearer ${testKeys.openai}`);
  });

  it('every event is named, blocks are ordered, and message_start is not zero', async () => {
    upstream.queueTurn(nextTurn);
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...recorded.headers },
      body: JSON.stringify(recorded.body),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-llm-proxy-warnings') ?? '', /context_management/);
    const events = sseEvents(await response.text());
    assert.ok(events.every((event) => event.event !== undefined));
    const start = JSON.parse(events[0]?.data ?? '{}') as { message: { usage: { input_tokens: number } } };
    assert.ok(
      start.message.usage.input_tokens > 500,
      `estimate ${start.message.usage.input_tokens} reflects the long prompt`,
    );
    const blockStarts = events
      .filter((event) => event.event === 'content_block_start')
      .map((event) => JSON.parse(event.data) as { index: number; content_block: { type: string } });
    assert.deepEqual(
      blockStarts.map((block) => [block.index, block.content_block.type]),
      [
        [0, 'thinking'],
        [1, 'text'],
        [2, 'tool_use'],
      ],
    );
  });

  it('an alias caps Claude Code’s 64,000 max_tokens to what the target model allows, and says so', async () => {
    upstream.queueTurn({ content: 'ok' });
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...recorded.headers },
      body: JSON.stringify({ ...recorded.body, model: 'claude-code-on-gpt-4o' }),
    });
    assert.equal(response.status, 200);
    await response.text();
    const sent = upstream.lastRequest.body as JsonObject;
    assert.equal(sent['model'], 'gpt-4o');
    assert.equal(sent['max_completion_tokens'], 16384);
    assert.equal(sent['reasoning_effort'], undefined, 'gpt-4o takes no reasoning_effort');
    assert.match(response.headers.get('x-llm-proxy-warnings') ?? '', /max_tokens/);
  });
});
