import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: Array<{ name: string; in: string }>;
}

/** Every route a fully configured gateway serves (master key on, so the admin API exists). */
const expected = [
  'GET /',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'POST /chat',
  'POST /v1/chat/completions',
  'POST /v1/embeddings',
  'GET /v1/models',
  'GET /v1/models/{model}',
  'POST /v1/messages',
  'POST /v1/messages/count_tokens',
  'POST /v1/responses',
  'GET /v1/responses/{id}',
  'GET /v1/responses/{id}/input_items',
  'DELETE /v1/responses/{id}',
  'POST /v1beta/models/{model}',
  'POST /v1/models/{model}',
  'GET /v1beta/models',
  'GET /v1beta/models/{model}',
  'POST /admin/keys',
  'GET /admin/keys',
  'GET /admin/keys/{id}',
  'PATCH /admin/keys/{id}',
  'DELETE /admin/keys/{id}',
  'GET /admin/usage',
  'GET /admin/usage/series',
  'GET /admin/usage/daily',
  'GET /admin/logs',
  'GET /admin/logs/{request_id}',
  'GET /admin/status',
  'GET /admin/models',
];

let gateway: TestGateway;
let paths: Record<string, Record<string, Operation>>;

before(async () => {
  gateway = await startTestGateway({ env: { LLM_PROXY_MASTER_KEY: 'sk-master-openapi-test-0123456789' } });
  paths = ((await (await fetch(`${gateway.url}/openapi.json`)).json()) as { paths: typeof paths }).paths;
});

after(() => gateway.close());

describe('/openapi.json', () => {
  it('lists every route, and nothing else', () => {
    const listed = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(listed.sort(), [...expected].sort());
  });

  it('gives every route its success response schema, and every body-taking route its request schema', () => {
    for (const entry of expected) {
      const [method = '', path = ''] = entry.split(' ');
      const operation = paths[path]?.[method.toLowerCase()];
      assert.ok(operation !== undefined, entry);
      const success = Object.entries(operation.responses ?? {}).find(([status]) => /^2/.test(status));
      assert.ok(success !== undefined, `${entry}: a 2xx response`);
      assert.ok(
        Object.values(success[1].content ?? {}).some((media) => media.schema !== undefined),
        `${entry}: its schema`,
      );
      if (method === 'POST' || method === 'PATCH') {
        assert.ok(
          Object.values(operation.requestBody?.content ?? {}).some((media) => media.schema !== undefined),
          `${entry}: a request schema`,
        );
      }
    }
    assert.deepEqual(
      paths['/v1/models/{model}']?.['get']?.parameters?.map((parameter) => [parameter.name, parameter.in]),
      [['model', 'path']],
    );
  });
});
