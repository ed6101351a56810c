import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import { parseResponsesRequest } from '../../../../src/formats/openai-responses/parse-responses-request.ts';
import { encodeCarriedReasoning } from '../../../../src/formats/openai-responses/reasoning-carrier.ts';
import type { ResponsesWarning } from '../../../../src/formats/openai-responses/responses-warning.ts';

function parse(body: Record<string, unknown>) {
  const warnings: ResponsesWarning[] = [];
  return { ...parseResponsesRequest({ model: 'm', ...body }, 'upstream-m', warnings), warnings };
}

describe('parseResponsesRequest', () => {
  it('a string input is one user message; instructions lead as the system prompt', () => {
    const { request } = parse({ input: 'hi', instructions: 'Be brief.', max_output_tokens: 50, temperature: 0.2 });
    assert.equal(request.model, 'upstream-m');
    assert.deepEqual(request.messages, [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ]);
    assert.equal(request.maxOutputTokens, 50);
    assert.equal(request.temperature, 0.2);
  });

  it("Codex's input: developer messages, calls and outputs grouped, our reasoning restored exactly", () => {
    const encrypted = encodeCarriedReasoning({ kind: 'thinking', text: 'plan', signature: 'sig-1' });
    const { request } = parse({
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run it' }] },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'plan' }],
          content: null,
          encrypted_content: encrypted,
        },
        {
          type: 'function_call',
          id: 'fc_1',
          status: 'completed',
          call_id: 'call_1',
          name: 'exec_command',
          arguments: '{"cmd":"ls"}',
        },
        { type: 'function_call', call_id: 'call_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}' },
        { type: 'function_call_output', id: 'fco_1', call_id: 'call_1', output: 'a.txt' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'closed' }] },
        { type: 'custom_tool_call', call_id: 'call_3', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_3', output: 'ok' },
      ],
    });
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['system', 'user', 'assistant', 'tool', 'assistant', 'tool'],
    );
    assert.deepEqual(request.messages[2]?.content, [
      { type: 'reasoning', text: 'plan', signature: 'sig-1' },
      { type: 'tool-call', id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
      { type: 'tool-call', id: 'call_2', name: 'multi_agent_v1__close_agent', arguments: '{}' },
    ]);
    assert.deepEqual(request.messages[4]?.content, [
      { type: 'tool-call', id: 'call_3', name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' },
    ]);
  });

  it("OpenAI's own encrypted reasoning is not another provider's to read: only its summary goes on", () => {
    const { request } = parse({
      input: [
        { role: 'user', content: 'hi' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'thinking' }],
          encrypted_content: 'gAAAA-opaque',
        },
        { role: 'assistant', content: 'hello' },
      ],
    });
    assert.deepEqual(request.messages[1]?.content, [
      { type: 'reasoning', text: 'thinking' },
      { type: 'text', text: 'hello' },
    ]);
  });

  it('user parts: text, images by URL, data URL and file id, files', () => {
    const { request } = parse({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
            { type: 'input_image', file_id: 'file-1' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'text', text: 'look' },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'high' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
      { type: 'image', source: { kind: 'file-id', fileId: 'file-1' } },
      { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'a.pdf' },
    ]);
  });

  it('tools: flat functions, custom as one string argument, namespaces flattened, hosted tools warned', () => {
    const { request, toolNames, warnings } = parse({
      input: 'go',
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true },
        { type: 'custom', name: 'apply_patch', description: 'Patch files.' },
        { type: 'namespace', name: 'multi_agent_v1', tools: [{ type: 'function', name: 'spawn_agent' }] },
        { type: 'web_search', external_web_access: true },
        { type: 'tool_search', execution: 'client' },
      ],
      tool_choice: { type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' },
    });
    assert.deepEqual(
      request.tools?.map((tool) => tool.name),
      ['get_weather', 'apply_patch', 'multi_agent_v1__spawn_agent'],
    );
    assert.equal(request.tools?.[0]?.strict, true);
    assert.deepEqual(request.toolChoice, { type: 'tool', name: 'multi_agent_v1__spawn_agent' });
    assert.deepEqual(toolNames.get('multi_agent_v1__spawn_agent'), {
      kind: 'function',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
    });
    assert.equal(toolNames.get('apply_patch')?.kind, 'custom');
    assert.equal(warnings.filter((warning) => warning.parameter === 'tools').length, 2);
  });

  it('text.format and reasoning map to structured output and reasoning settings', () => {
    const { request } = parse({
      input: 'x',
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' },
    });
    assert.deepEqual(request.responseFormat, {
      type: 'json-schema',
      name: 'out',
      schema: { type: 'object' },
      strict: true,
    });
    assert.deepEqual(request.reasoning, { enabled: true, effort: 'high' });
  });

  it('what cannot be carried is a warning, not a 400; Chat fields are a 400 naming the field', () => {
    const { warnings } = parse({
      input: 'x',
      service_tier: 'flex',
      prompt_cache_key: 'k',
      text: { verbosity: 'low' },
      client_metadata: { a: 'b' },
      include: [],
    });
    assert.deepEqual(
      warnings.map((warning) => warning.parameter),
      ['service_tier', 'prompt_cache_key', 'text.verbosity'],
    );
    for (const [field, body] of [
      ['messages', { messages: [] }],
      ['max_tokens', { input: 'x', max_tokens: 5 }],
      ['tools[0].function', { input: 'x', tools: [{ type: 'function', function: { name: 'f' } }] }],
      ['input[0].role', { input: [{ role: 'tool', content: 'x' }] }],
    ] as const) {
      assert.throws(
        () => parse(body),
        (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === field,
        field,
      );
    }
  });
});
