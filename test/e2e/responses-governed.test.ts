import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type Json = Record<string, unknown>;

const masterKey = 'mk-test-master-key-responses-5d3a';
const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
const openai = new MockOpenAIResponsesUpstream(testKeys.openai);
let gateway: TestGateway;

async function createKey(): Promise<string> {
  const response = await postJson(
    `${gateway.url}/admin/keys`,
    { name: 'responses' },
    { authorization: `Bearer ${masterKey}` },
  );
  assert.equal(response.status, 201, response.text);
  return String(response.json['key']);
}

function respond(key: string, body: Json) {
  return postJson(`${gateway.url}/v1/responses`, body, { authorization: `Bearer ${key}` });
}

async function read(key: string, path: string, method = 'GET'): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, json: (await response.json()) as Json };
}

/** The events of an SSE body: `[event name, data]`. */
function eventsOf(text: string): Array<[string, Json]> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const name = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return [name, JSON.parse(data) as Json];
    });
}

before(async () => {
  await Promise.all([anthropic.start(), openai.start()]);
  gateway = await startTestGateway({
    yaml: 'governance:\n  usage_flush_interval_ms: 50\nrouting:\n  retries: 0\n',
    env: {
      LLM_PROXY_MASTER_KEY: masterKey,
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'llm-proxy-responses-')), 'gateway.sqlite')}`,
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
    },
  });
});
after(async () => {
  await gateway.close();
  await Promise.all([anthropic.close(), openai.close()]);
});
beforeEach(() => {
  gateway.gateway.health.reset();
  anthropic.reset();
  anthropic.turns.length = 0;
  openai.reset();
  openai.turns.length = 0;
});

describe('stored responses belong to the key that made them', () => {
  it("another key's response id is a 404 for retrieve, input_items, delete and previous_response_id", async () => {
    const [owner, stranger] = [await createKey(), await createKey()];
    const created = await respond(owner, { model: 'anthropic/claude-sonnet-4-6', input: 'mine' });
    assert.equal(created.status, 200, created.text);
    const id = String(created.json['id']);
    assert.equal((await read(owner, `/v1/responses/${id}`)).status, 200);
    assert.equal((await read(stranger, `/v1/responses/${id}`)).status, 404);
    assert.equal((await read(stranger, `/v1/responses/${id}/input_items`)).status, 404);
    assert.equal((await read(stranger, `/v1/responses/${id}`, 'DELETE')).status, 404);
    const continued = await respond(stranger, {
      model: 'anthropic/claude-sonnet-4-6',
      input: 'yours?',
      previous_response_id: id,
    });
    assert.equal(continued.status, 404);
    assert.equal((continued.json.error as Json)['code'], 'response_not_found');
    assert.equal((await read(owner, `/v1/responses/${id}`)).status, 200, 'still there for its owner');
  });

  it('metering: a usage row per call, passthrough and translated, streamed or not, with tokens', async () => {
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'metered' },
      { authorization: `Bearer ${masterKey}` },
    );
    const [id, key] = [String(created.json['id']), String(created.json['key'])];
    openai.queueTurn({ text: 'a', usage: { input_tokens: 100, output_tokens: 10 } });
    assert.equal((await respond(key, { model: 'openai/gpt-5.4', input: 'x', store: false })).status, 200);
    openai.queueTurn({ text: 'b', usage: { input_tokens: 100, output_tokens: 10 } });
    assert.equal((await respond(key, { model: 'openai/gpt-5.4', input: 'x', stream: true, store: false })).status, 200);
    assert.equal((await respond(key, { model: 'anthropic/claude-sonnet-4-6', input: 'x', stream: true })).status, 200);
    let row: Json | undefined;
    for (let attempt = 0; attempt < 40 && Number(row?.['requests'] ?? 0) < 3; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const usage = await read(masterKey, `/admin/usage?key_id=${id}&group_by=key`);
      row = (usage.json['data'] as Json[])[0];
    }
    assert.equal(row?.['requests'], 3);
    assert.ok(Number(row?.['input_tokens']) >= 200);
  });

  it('the routes need a key', async () => {
    assert.equal((await fetch(`${gateway.url}/v1/responses/resp_x`)).status, 401);
  });
});

describe('Codex-shaped requests on a translated target', () => {
  it('hosted tools are dropped with a warning header; namespace and custom tools round-trip exactly', async () => {
    const key = await createKey();
    anthropic.queueTurn({
      content: [
        { type: 'tool_use', id: 'toolu_ns', name: 'multi_agent_v1__close_agent', input: { target: 'nobody' } },
        {
          type: 'tool_use',
          id: 'toolu_patch',
          name: 'apply_patch',
          input: { input: '*** Begin Patch\n*** End Patch' },
        },
      ],
      stopReason: 'tool_use',
    });
    const tools = [
      { type: 'web_search', external_web_access: true },
      {
        type: 'namespace',
        name: 'multi_agent_v1',
        description: 'Sub-agents',
        tools: [{ type: 'function', name: 'close_agent', parameters: { type: 'object', properties: {} } }],
      },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } },
    ];
    const first = await respond(key, {
      model: 'anthropic/claude-sonnet-4-6',
      stream: true,
      store: false,
      input: [
        { type: 'message', role: 'developer', content: 'You are Codex.' },
        { role: 'user', content: 'go' },
      ],
      tools,
      include: ['reasoning.encrypted_content'],
      client_metadata: { session: 'x' },
      text: { verbosity: 'low' },
    });
    assert.equal(first.status, 200);
    assert.match(first.headers.get('x-llm-proxy-warnings') ?? '', /tools/);
    const sentTools = (anthropic.lastRequest.body as { tools: Json[] }).tools.map((tool) => tool['name']);
    assert.deepEqual(sentTools, ['multi_agent_v1__close_agent', 'apply_patch']);
    const done = eventsOf(first.text)
      .filter(([name]) => name === 'response.output_item.done')
      .map(([, data]) => data['item'] as Json);
    assert.equal(done[0]?.['type'], 'function_call');
    assert.equal(done[0]?.['name'], 'close_agent');
    assert.equal(done[0]?.['namespace'], 'multi_agent_v1');
    assert.equal(done[1]?.['type'], 'custom_tool_call');
    assert.equal(done[1]?.['name'], 'apply_patch');
    assert.equal(done[1]?.['input'], '*** Begin Patch\n*** End Patch');

    anthropic.queueTurn({ content: [{ type: 'text', text: 'Done.' }] });
    const second = await respond(key, {
      model: 'anthropic/claude-sonnet-4-6',
      store: false,
      input: [
        { role: 'user', content: 'go' },
        ...done,
        { type: 'function_call_output', call_id: done[0]?.['call_id'], output: 'closed' },
        { type: 'custom_tool_call_output', call_id: done[1]?.['call_id'], output: 'patched' },
      ],
      tools,
    });
    assert.equal(second.status, 200, second.text);
    const messages = (anthropic.lastRequest.body as { messages: Array<{ content: Json[] }> }).messages;
    assert.deepEqual(
      messages[1]?.content.map((block) => block['name']),
      ['multi_agent_v1__close_agent', 'apply_patch'],
    );
    assert.deepEqual(messages[1]?.content[1]?.['input'], { input: '*** Begin Patch\n*** End Patch' });
  });

  it('an upstream failure mid-stream ends with response.failed, never a silent close', async () => {
    const key = await createKey();
    anthropic.enqueue({
      sse: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Half an ans"}}\n\n',
      ],
      reset: true,
    });
    const response = await respond(key, { model: 'anthropic/claude-sonnet-4-6', stream: true, input: 'hi' });
    const events = eventsOf(response.text);
    const last = events.at(-1);
    assert.equal(last?.[0], 'response.failed');
    assert.equal((last?.[1]['response'] as Json | undefined)?.['status'], 'failed');
    const numbers = events.map(([, data]) => Number(data['sequence_number']));
    assert.deepEqual(
      numbers,
      numbers.map((_, index) => index),
    );
  });

  it('a passthrough stream that breaks off ends with response.failed numbered after the last event', async () => {
    const key = await createKey();
    openai.enqueue({
      sse: [
        'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_b","object":"response","status":"in_progress","output":[]}}\n\n',
        'event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"message","id":"msg_b","status":"in_progress","role":"assistant","content":[]}}\n\n',
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_b","output_index":0,"content_index":0,"delta":"Half","logprobs":[]}\n\n',
      ],
      reset: true,
    });
    const response = await respond(key, { model: 'openai/gpt-5.4', stream: true, input: 'hi', store: false });
    const events = eventsOf(response.text);
    assert.equal(events.at(-1)?.[0], 'response.failed');
    assert.equal(events.at(-1)?.[1]['sequence_number'], 3);
    assert.equal((events.at(-1)?.[1]['response'] as Json | undefined)?.['id'], 'resp_b');
  });
});
