import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';

/** The Anthropic mock must refuse what the real API refuses, or translation bugs would pass unseen. */
describe('the Anthropic test mock is as strict as the real API', () => {
  const mock = new MockAnthropicUpstream('sk-ant-mock-key-0123456789');
  before(() => mock.start());
  after(() => mock.close());

  async function send(
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; message: string }> {
    const response = await fetch(`${mock.origin}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': mock.apiKey,
        'anthropic-version': '2023-06-01',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { error?: { message: string } };
    return { status: response.status, message: json.error?.message ?? '' };
  }

  const valid = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

  it('accepts a valid request', async () => {
    assert.equal((await send(valid)).status, 200);
  });

  it('rejects a system role inside messages', async () => {
    const result = await send({
      ...valid,
      messages: [
        { role: 'system', content: 'x' },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.equal(result.status, 400);
    assert.match(result.message, /role/);
  });

  it('rejects a missing max_tokens', async () => {
    const { max_tokens: _omitted, ...body } = valid;
    const result = await send(body);
    assert.equal(result.status, 400);
    assert.match(result.message, /max_tokens/);
  });

  it('rejects a missing anthropic-version', async () => {
    const response = await fetch(`${mock.origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': mock.apiKey },
      body: JSON.stringify(valid),
    });
    assert.equal(response.status, 400);
  });

  it('rejects a tool_result whose tool_use is not in the previous turn', async () => {
    const result = await send({
      ...valid,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'no tools here' }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'x' }] },
      ],
    });
    assert.equal(result.status, 400);
    assert.match(result.message, /tool_use_id/);
  });

  it('rejects a tool_use left without its tool_result, sampling parameters under 2026-10-21, and OpenAI-only fields', async () => {
    const unanswered = await send({
      ...valid,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
        { role: 'user', content: 'ignore that' },
      ],
    });
    assert.equal(unanswered.status, 400);
    const sampling = await send({ ...valid, temperature: 0.5 }, { 'anthropic-version': '2026-10-21' });
    assert.equal(sampling.status, 400);
    const foreign = await send({ ...valid, max_completion_tokens: 10 });
    assert.equal(foreign.status, 400);
    const emptyText = await send({ ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] });
    assert.equal(emptyText.status, 400);
  });

  it('rejects a wrong key', async () => {
    assert.equal((await send(valid, { 'x-api-key': 'wrong' })).status, 401);
  });
});
